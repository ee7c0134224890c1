export const x = 'x';
export default { tag: 'd' };
