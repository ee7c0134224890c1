class A {
  #x = 1;
  #m() { return 'm'; }
  static has(o) { return #x in o; }
  static hasM(o) { return #m in o; }
}
class B extends A { #y; static hasY(o) { return #y in o; } }
const a = new A(), b = new B();
console.log(A.has(a), A.has(b), A.has({}), A.has(Object.create(a)));
console.log(A.hasM(a), A.hasM(b), A.hasM(Object.create(a)), A.hasM(A.prototype));
console.log(B.hasY(a), B.hasY(b));
try { A.has(42); } catch (e) { console.log(e.constructor.name, e.message); }
try { A.has(null); } catch (e) { console.log(e.constructor.name, e.message); }
