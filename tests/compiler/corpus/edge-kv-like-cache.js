class KV {
  #m = new Map();
  async get(k, { type = 'text' } = {}) { await null; const v = this.#m.get(k); return v === undefined ? null : type === 'json' ? JSON.parse(v) : v; }
  async put(k, v) { await null; this.#m.set(k, typeof v === 'string' ? v : JSON.stringify(v)); }
}
(async () => {
  const kv = new KV();
  await kv.put('a', { n: 1 });
  console.log(await kv.get('a'), (await kv.get('a', { type: 'json' })).n, await kv.get('missing'));
})();
