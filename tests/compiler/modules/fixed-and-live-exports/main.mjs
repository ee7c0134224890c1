import { top, later, arrow, setLater, viaParam, shadowed, K } from './lib.mjs';
import * as ns from './lib.mjs';
console.log(top, later, K, arrow());
setLater(5);
console.log(later, viaParam, shadowed, ns.later);
const d = Object.getOwnPropertyDescriptor(ns, 'top');
console.log(d.enumerable, d.configurable);
try { ns.top = 0; } catch (e) { console.log(e instanceof TypeError); }
