import * as ns from './lib.mjs';
console.log(Object.keys(ns).join(','), ns.x, ns.y(), 'z' in ns);
console.log(Object.prototype.toString.call(ns));
