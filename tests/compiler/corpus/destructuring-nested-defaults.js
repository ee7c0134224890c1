const {a: {b: {c = 'deep'} = {}} = {}} = {};
console.log(c);
const [[x = 1] = [], [y = 2] = [5]] = [];
console.log(x, y);
function f({a = 1, b: {c = 2, d = c + 1} = {}} = {}) { return [a, c, d]; }
console.log(f(), f({a: 9, b: {c: 4}}));
const {0: first, length: len} = ['zero', 'one'];
console.log(first, len);
const key = 'k';
const {[key]: kv = 'dk', [`${key}2`]: kv2 = 'dk2'} = {k2: 'v2'};
console.log(kv, kv2);
