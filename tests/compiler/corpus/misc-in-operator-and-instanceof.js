class K {}
const k = new K();
console.log('constructor' in k, 0 in [1], 1 in [1], 'x' in { x: undefined }, k instanceof K, k instanceof Object);
console.log(Symbol.iterator in [], 'length' in 'abc'.split(''));
try { 'a' in 'str'; } catch (e) { console.log(e.constructor.name); }
