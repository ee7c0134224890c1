class A { constructor() { this.x = 'own'; } get x() { return 'getter'; } set x(v) { this._set = v; } }
const a = new A();
console.log(a.x, a._set, Object.keys(a));
class B { x = 'field'; get x() { return 'getter'; } }
const b = new B();
console.log(b.x, Object.keys(b));
