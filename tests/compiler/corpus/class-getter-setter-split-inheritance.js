class Base { get x() { return 'base get'; } set x(v) { this._x = 'base set ' + v; } }
class OnlyGetter extends Base { get x() { return 'sub get'; } }
const o = new OnlyGetter();
o.x = 1;
console.log(o.x, o._x, Object.getOwnPropertyNames(o));
class OnlySetter extends Base { set x(v) { this._y = v; } }
const s = new OnlySetter();
s.x = 2;
console.log(s.x, s._y, s._x);
