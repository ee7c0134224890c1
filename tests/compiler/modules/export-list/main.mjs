import { a, c, default as d } from './lib.mjs';
console.log(a, c, d);
