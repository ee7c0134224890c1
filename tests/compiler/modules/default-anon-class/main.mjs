import K from './k.mjs';
const k = new K(4);
console.log(k.twice(), k instanceof K);
