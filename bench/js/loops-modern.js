// The same work as loops-es5.js, written with ES2022 syntax (run with edgefn-js).
const t0 = Date.now();
class Vec { constructor(x, y) { this.x = x; this.y = y; } add(o) { return new Vec(this.x + o.x, this.y + o.y); } get len() { return this.x * this.x + this.y * this.y; } }
let acc = new Vec(0, 0);
const step = (i) => new Vec(i % 7, i % 3);
for (let i = 0; i < 100000; i++) { acc = acc.add(step(i)); }
const arr = [];
for (let i = 0; i < 100000; i++) arr.push(i);
let sum = 0;
for (const v of arr) sum += v;
const obj = { a: 1, b: 2 };
let s2 = 0;
for (let i = 0; i < 100000; i++) { const { a, b } = obj; s2 += a + b; }
console.log(acc.len, sum, s2, `ms=${Date.now() - t0}`);
