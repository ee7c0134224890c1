function makeCounter() { let c = 0; return { inc: () => ++c, dec: () => --c, get: () => c }; }
const a = makeCounter(), b = makeCounter();
a.inc(); a.inc(); b.dec();
console.log(a.get(), b.get());
const adders = [1, 2, 3].map(n => x => x + n);
console.log(adders.map(f => f(10)));
