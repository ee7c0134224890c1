function makeCounter(start = 0, step = 1) {
  let value = start;
  return { next: () => (value += step), reset() { value = start; return value; }, get value() { return value; } };
}
const c1 = makeCounter(), c2 = makeCounter(10, 5);
c1.next(); c1.next(); c2.next();
console.log(c1.value, c2.value, c1.reset(), c2.next());
