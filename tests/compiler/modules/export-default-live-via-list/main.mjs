import d, { change } from './lib.mjs';
console.log(d);
change();
console.log(d);
