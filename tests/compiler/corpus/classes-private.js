class Counter {
  #count = 0;
  static #instances = 0;
  constructor() { Counter.#instances++; }
  #bump(n) { this.#count += n; }
  inc() { this.#bump(1); return this; }
  get value() { return this.#count; }
  static get instances() { return Counter.#instances; }
  static isCounter(o) { return #count in o; }
  get #secret() { return 's' + this.#count; }
  reveal() { return this.#secret; }
}
const c = new Counter();
c.inc().inc();
console.log(c.value, Counter.instances, Counter.isCounter(c), Counter.isCounter({}), c.reveal());
console.log(Object.keys(c), JSON.stringify(c), Object.getOwnPropertyNames(c));
new Counter();
console.log(Counter.instances);
