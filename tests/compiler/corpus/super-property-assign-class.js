class A {
  set v(x) { this._v = 'A:' + x; }
  get v() { return this._v; }
}
class B extends A {
  set v(x) { super.v = x + '!'; }
  get v() { return 'B(' + super.v + ')'; }
  plain() { super.other = 5; return Object.keys(this).join(','); }
  static s() { super.staticProp = 1; return this.staticProp; }
}
const b = new B();
b.v = 'hi';
console.log(b.v, b._v, b.plain(), b.other, B.s(), Object.prototype.hasOwnProperty.call(A, 'staticProp'));
