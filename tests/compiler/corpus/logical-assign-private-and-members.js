class Cache {
  #store = null;
  #hits = 0;
  get(k, make) { this.#store ??= new Map(); if (!this.#store.has(k)) this.#store.set(k, make()); else this.#hits ||= 0, this.#hits++; return this.#store.get(k); }
  get hits() { return this.#hits; }
}
const c = new Cache();
c.get('a', () => 1); c.get('a', () => 2); c.get('b', () => 3); c.get('a', () => 4);
console.log(c.hits, c.get('b', () => 0));
