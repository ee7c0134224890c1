import f from './f.mjs';
console.log(typeof f, f(3));
