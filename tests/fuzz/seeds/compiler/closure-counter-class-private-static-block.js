class C {
  static #n = 0;
  static inc = () => ++C.#n;
  static { C.inc(); C.inc(); }
  static get n() { return C.#n; }
}
console.log(C.n);
