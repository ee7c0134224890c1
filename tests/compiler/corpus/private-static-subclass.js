class A {
  static #count = 0;
  static #bump() { return ++A.#count; }
  static make() { A.#bump(); return new this(); }
  static count(C) { return C.#count; }
  static call(C) { return C.#bump(); }
}
class B extends A {}
A.make(); B.make();
console.log(A.count(A));
try { A.count(B); } catch (e) { console.log(e.constructor.name, e.message); }
try { A.call(B); } catch (e) { console.log(e.constructor.name, e.message); }
console.log(A.call(A));
