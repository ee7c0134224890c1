export async function later(x) { await null; return x * 21; }
export const order = () => 'first';
