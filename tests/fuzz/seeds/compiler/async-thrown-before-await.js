async function f(x) { if (!x) throw new Error('sync part'); await null; return x; }
const p = f(0);
console.log('returned', p instanceof Promise);
p.catch(e => console.log('rejected', e.message));
async function g({ a }) { return a; }
g(null).catch(e => console.log('param error', e instanceof TypeError));
