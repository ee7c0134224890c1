import { a,
  zz } from './lib.mjs';
console.log(a, zz);
