function Counter() { this.n = 0; this.inc = () => { this.n++; return this; }; }
const c = new Counter();
c.inc().inc();
console.log(c.n);
function outer() { const f = () => arguments[0] + arguments.length; return f('ignored'); }
console.log(outer(10, 20));
const obj = { v: 42, get() { return [1, 2].map(x => this.v + x); } };
console.log(obj.get());
const nested = { v: 1, m() { return () => () => this.v; } };
console.log(nested.m()()());
const id = x => x, pair = (a, b) => [a, b], obj2 = () => ({k: 1});
console.log(id(3), pair(1, 2), obj2());
