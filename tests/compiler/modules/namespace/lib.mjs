export const x = 1;
export function y() { return 2; }
export let b = 3;
export default 'd';
