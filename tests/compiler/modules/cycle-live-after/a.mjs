import { b } from './b.mjs';
export const a = 'A';
export function getB() { return b; }
