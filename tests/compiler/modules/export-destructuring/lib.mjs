const src = { a: 1, b: [2, 3], d: 4, e: 5 };
export const { a, b: [, c], ...rest } = src;
