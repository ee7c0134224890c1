class A {
  #secret = 'a-secret';
  #m() { return 'A#m:' + this.#secret; }
  callM() { return this.#m(); }
  static has(o) { return #secret in o; }
}
class B extends A { #secret = 'b-secret'; own() { return this.#secret; } }
const b = new B();
console.log(b.callM(), b.own(), A.has(b), A.has({}));
