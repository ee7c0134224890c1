function* fib() { let [a, b] = [0, 1]; for (;;) { yield a; [a, b] = [b, a + b]; } }
function* take(n, it) { for (const v of it) { if (n-- <= 0) return; yield v; } }
function* zip(...its) { const iters = its.map(i => i[Symbol.iterator]()); for (;;) { const rs = iters.map(i => i.next()); if (rs.some(r => r.done)) return; yield rs.map(r => r.value); } }
console.log(JSON.stringify([...zip(take(5, fib()), 'abcdefg')]));
