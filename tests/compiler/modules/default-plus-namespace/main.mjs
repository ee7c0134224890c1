import d, * as ns from './lib.mjs';
import d2, { x } from './lib.mjs';
console.log(d === ns.default, d2 === d, x);
