class Base { get v() { return 'base'; } set v(x) { this._v = 'base:' + x; } static get sv() { return 'sbase'; } }
class Sub extends Base { get v() { return 'sub>' + super.v; } static get sv() { return 'ssub>' + super.sv; } }
const s = new Sub();
console.log(s.v, Sub.sv);
s.v = 1;
console.log(s._v);
class T { get x() { return this._x ?? 'unset'; } }
class U extends T { set x(v) { this._x = v; } }
const u = new U();
u.x = 5;
console.log(u._x, u.x);
