import * as ns from './mid.mjs';
console.log(Object.keys(ns).join(','), 'default' in ns, ns.own);
