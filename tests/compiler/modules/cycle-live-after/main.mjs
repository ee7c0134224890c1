import { a, getB } from './a.mjs';
console.log(a, getB());
