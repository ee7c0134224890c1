import { early } from './b.mjs';
export let value = 'set';
export const K = 1;
console.log('a', early);
