import { f } from './lib.mjs';
console.log(typeof this, f());
try { undeclared = 1; } catch (e) { console.log(e.constructor.name); }
