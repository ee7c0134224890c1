const sym = Symbol('size');
class Box {
  #items = [];
  get [sym]() { return this.#items.length; }
  static get [Symbol.species]() { return Array; }
  add(x) { this.#items.push(x); return this; }
  *[Symbol.iterator]() { yield* this.#items; }
}
const b = new Box().add(1).add(2);
console.log(b[sym], [...b], Box[Symbol.species] === Array);
