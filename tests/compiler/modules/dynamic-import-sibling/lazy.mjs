import { shared } from './shared.mjs';
console.log('lazy evaluated, shared count', shared.count);
export const value = 'L';
export default function twice(x) { return x * 2; }
