const proto = { _v: 1, get v() { return this._v; }, set v(x) { this._v = x * 10; } };
const obj = {
  __proto__: proto,
  get v() { return 'wrapped ' + super.v; },
  set v(x) { super.v = x + 1; },
};
obj.v = 4;
console.log(obj.v, obj._v, proto._v);
