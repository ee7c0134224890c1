class Config {
  static defaults = { retries: 3 };
  static #cache;
  static {
    Config.#cache = new Map(Object.entries(this.defaults));
  }
  static get(k) { return Config.#cache.get(k); }
}
console.log(Config.get('retries'));
