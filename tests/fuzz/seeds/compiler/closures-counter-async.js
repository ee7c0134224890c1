function makeQueue() {
  let n = 0;
  return { async add(x) { await null; n += x; return n; }, get count() { return n; } };
}
const q = makeQueue();
Promise.all([q.add(1), q.add(2), q.add(3)]).then(r => console.log(r, q.count));
