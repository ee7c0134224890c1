export let n = 10;
export function bump() { n *= 2; }
