const v = 'kebab';
export { v as 'kebab-name' };
