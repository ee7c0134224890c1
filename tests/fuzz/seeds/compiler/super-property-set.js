class A { set x(v) { this._x = 'A:' + v; } get x() { return this._x; } m() { return 'A.m'; } }
class B extends A { m() { return super.m() + '+B'; } callSuperLater() { const f = () => super.m(); return f(); } }
const b = new B();
b.x = 1;
console.log(b.x, b.m(), b.callSuperLater());
