const o = {
  _v: 1,
  get v() { return this._v * 10; },
  set v(x) { this._v = x; },
  get ['comp']() { return 'C'; },
};
o.v = 3;
console.log(o.v, o.comp, Object.getOwnPropertyDescriptor(o, 'comp').enumerable);
