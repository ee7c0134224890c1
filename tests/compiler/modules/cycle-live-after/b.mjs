import { getB } from './a.mjs';
export const b = 'B';
export function viaA() { return getB(); }
