import { a, c, rest } from './lib.mjs';
console.log(a, c, JSON.stringify(rest));
