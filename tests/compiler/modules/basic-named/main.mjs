import { a, b as c } from './lib.mjs';
console.log(a, c);
