class A {
  static #count = 0;
  static create() { A.#count++; return new this(); }
  static get count() { return A.#count; }
}
class B extends A {}
B.create(); A.create();
console.log(A.count, B.count, B.create() instanceof B);
