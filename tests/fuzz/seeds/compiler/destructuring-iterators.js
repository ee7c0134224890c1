let closed = 0;
function it(n) {
  let i = 0;
  return { [Symbol.iterator]() { return this; }, next() { return { value: i++, done: i > n }; }, return() { closed++; return {}; } };
}
const [a, b] = it(10);
console.log(a, b, closed);
const [c, ...d] = it(4);
console.log(c, d, closed);
const [e, f, g] = it(1);
console.log(e, f, g, closed);
function* gen() { try { yield 1; yield 2; yield 3; } finally { console.log('gen cleanup'); } }
const [h] = gen();
console.log(h);
