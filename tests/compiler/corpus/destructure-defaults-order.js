const log = [];
function* g() { log.push('next0'); yield undefined; log.push('next1'); yield 2; log.push('next2'); yield undefined; log.push('end'); }
const [a = (log.push('def a'), 1), b = (log.push('def b'), 9), c = (log.push('def c'), 3)] = g();
console.log(a, b, c, log.join(' | '));
log.length = 0;
const o = { set x(v) { log.push('set x ' + v); }, set y(v) { log.push('set y ' + v); } };
[o.x, , o.y = log.push('def y')] = g();
console.log(log.join(' | '));
log.length = 0;
function f([p = log.push('p'), , [q = log.push('q')] = (log.push('inner'), [])] = g()) { return [p, q]; }
console.log(f(), log.join(' | '));
log.length = 0;
let r;
[r = log.push('r'), ...rest] = g();
var rest;
console.log(r, rest, log.join(' | '));
log.length = 0;
const it = { [Symbol.iterator]() { return { i: 0, next() { log.push('n' + this.i); return { value: this.i++, done: false }; }, return() { log.push('closed'); return {}; } }; } };
const [x1 = log.push('unused'), x2 = 5] = it;
console.log(x1, x2, log.join(' | '));
log.length = 0;
for (const [k = log.push('k'), v = k * 2] of [[], [1], [3, 4]]) log.push(k + ':' + v);
console.log(log.join(' | '));
