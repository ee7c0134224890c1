function* count(n) { for (let i = 0; i < n; i++) yield i; return 'done'; }
console.log([...count(3)]);
const g = count(2);
console.log(g.next(), g.next(), g.next(), g.next());
function* echo() { let x = yield 'first'; while (true) { x = yield x * 2; } }
const e = echo();
console.log(e.next(1).value, e.next(5).value, e.next(7).value);
function* inf() { let i = 0; while (true) yield i++; }
const it = inf();
console.log(it.next().value, it.next().value, it.next().value);
console.log(typeof g[Symbol.iterator], g[Symbol.iterator]() === g);
console.log(Object.prototype.toString.call(g));
