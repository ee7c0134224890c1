export const x = 5;
export function f() { return 'f'; }
export const obj = { k: 'K' };
export default function () {}
