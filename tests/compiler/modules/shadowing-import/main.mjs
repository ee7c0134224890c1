import { name } from './lib.mjs';
function f(name) { return name + '!'; }
{ const name = 'block'; console.log(name); }
console.log(f('param'), name);
