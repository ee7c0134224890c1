const log = [];
const o = {
  _v: 0,
  get v() { log.push('get'); return this._v; },
  set v(x) { log.push('set ' + x); this._v = x; },
};
o.v ||= 10;
o.v ||= 20;
o.v &&= 30;
o.v ??= 40;
console.log(o._v, log.join(', '));
