import { x } from './nope.mjs';
console.log(x);
