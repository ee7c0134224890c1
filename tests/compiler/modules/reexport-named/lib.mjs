export const x = 'X';
export const z = 'Z';
