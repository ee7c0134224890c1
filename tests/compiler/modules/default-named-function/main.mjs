import g from './g.mjs';
console.log(g(), g.name);
