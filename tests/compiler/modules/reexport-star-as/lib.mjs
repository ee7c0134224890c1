export const a = 1;
export function b() {}
