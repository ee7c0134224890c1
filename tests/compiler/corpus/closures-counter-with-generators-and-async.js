function counter() {
  let n = 0;
  return {
    *ids() { while (n < 3) yield ++n; },
    async later() { await null; return ++n; },
    get n() { return n; },
  };
}
const c = counter();
console.log([...c.ids()], c.n);
c.later().then(v => console.log('later', v, c.n));
