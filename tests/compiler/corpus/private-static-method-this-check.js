class Registry {
  static #items = new Map();
  static #key(name) { return name.trim().toLowerCase(); }
  static register(name, v) { Registry.#items.set(Registry.#key(name), v); return this; }
  static lookup(name) { return Registry.#items.get(this.#key(name)); }
}
Registry.register(' Foo ', 1).register('BAR', 2);
console.log(Registry.lookup('foo'), Registry.lookup('bar '));
class Sub extends Registry {}
try { Sub.lookup('foo'); } catch (e) { console.log(e.constructor.name, e.message); }
