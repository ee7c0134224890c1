function* g() { yield 1; yield 2; return 3; }
console.log([...g()], Array.from(g()));
const [a, b, c] = g();
console.log(a, b, c);
let last;
for (const v of g()) last = v;
console.log(last);
function* d() { const r = yield* g(); yield 'ret ' + r; }
console.log([...d()].join(','));
