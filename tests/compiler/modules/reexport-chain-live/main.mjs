import { n, bump } from './a.mjs';
console.log(n);
bump();
console.log(n);
