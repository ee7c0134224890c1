class Svc {
  constructor() { this.base = 10; }
  async get(x) { await null; return this.base + x; }
  static async make() { return new Svc(); }
}
Svc.make().then(s => s.get(5)).then(v => console.log('svc', v));
const o = { n: 1, async m() { const f = async () => this.n + 1; return await f(); } };
o.m().then(v => console.log('obj', v));
const arr = [1, 2, 3];
Promise.all(arr.map(async x => { await null; return x * 2; })).then(r => console.log('all', r));
