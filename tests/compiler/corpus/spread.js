function sum(...xs) { return xs.reduce((a, b) => a + b, 0); }
const xs = [1, 2, 3];
console.log(sum(...xs), sum(0, ...xs, 4), sum(...xs, ...xs));
console.log([...xs, 4, ...'hi']);
console.log(Math.max(...xs));
const obj = { base: 10, add(...ys) { return this.base + sum(...ys); } };
console.log(obj.add(...xs));
function P(a, b) { this.s = a + b; }
console.log(new P(...[2, 3]).s);
console.log(new Date(...[2020, 0, 2]).getFullYear());
const s = new Set([1, 2, 2, 3]);
console.log([...s], [...new Map([[1, 'a']])]);
function* gen() { yield 'g1'; yield 'g2'; }
console.log([...gen()]);
console.log([..."ab", , 1].length);
