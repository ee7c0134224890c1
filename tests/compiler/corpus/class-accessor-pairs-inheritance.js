class A { get x() { return 'A.x'; } }
class B extends A { set x(v) { this._x = v; } }
const b = new B();
console.log(b.x);
class C extends A { get x() { return 'C>' + super.x; } }
console.log(new C().x);
