class Svc {
  constructor() { this.n = 5; }
  run() { const f = async () => { await null; return this.n; }; return f(); }
}
new Svc().run().then(v => console.log('this ok', v));
const o = { n: 7, go: async function () { await null; return this.n; } };
o.go().then(v => console.log('method', v));
