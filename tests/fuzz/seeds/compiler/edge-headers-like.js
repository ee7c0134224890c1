class Headers2 {
  #m = new Map();
  constructor(init = {}) { for (const [k, v] of Object.entries(init)) this.set(k, v); }
  set(k, v) { this.#m.set(k.toLowerCase(), String(v)); }
  get(k) { return this.#m.get(k.toLowerCase()) ?? null; }
  *[Symbol.iterator]() { yield* [...this.#m].sort(([a], [b]) => a < b ? -1 : 1); }
}
const h = new Headers2({ 'Content-Type': 'text/plain', 'X-A': 1 });
console.log(h.get('content-type'), h.get('missing'), [...h].map(([k, v]) => `${k}=${v}`).join('&'));
