class Repo { async find(id) { await null; return { id, from: 'repo' }; } }
class CachedRepo extends Repo {
  #cache = new Map();
  async find(id) {
    if (this.#cache.has(id)) return { ...this.#cache.get(id), cached: true };
    const v = await super.find(id);
    this.#cache.set(id, v);
    return v;
  }
}
(async () => {
  const r = new CachedRepo();
  console.log(JSON.stringify(await r.find(1)), JSON.stringify(await r.find(1)));
})();
