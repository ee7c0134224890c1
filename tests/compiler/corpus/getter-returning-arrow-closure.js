class Lazy {
  #v;
  get value() { return this.#v ??= (() => { console.log('computing'); return 42; })(); }
}
const l = new Lazy();
console.log(l.value, l.value);
