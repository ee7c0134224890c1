import { v, f, swap } from './lib.mjs';
console.log(v, f());
swap();
console.log(v, f());
