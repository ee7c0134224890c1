class Counter {
  #n = 0;
  #hist = [];
  inc(o) { o.#n++; o.#n += 2; o.#hist?.push(o.#n); return o.#n; }
  static peek(o) { return o?.#n; }
  static log(o) { return o.#hist.join(','); }
}
const c = new Counter();
console.log(c.inc(c), c.inc(c), Counter.log(c));
console.log(Counter.peek(null), Counter.peek(c));
for (const bad of [{}, [], function () {}]) {
  try { c.inc(bad); } catch (e) { console.log(e.message); }
  try { Counter.peek(bad); } catch (e) { console.log(e.message); }
}
