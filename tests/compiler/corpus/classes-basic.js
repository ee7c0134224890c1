class Point {
  constructor(x, y) { this.x = x; this.y = y; }
  toString() { return `(${this.x}, ${this.y})`; }
  get len() { return Math.hypot(this.x, this.y); }
  set len(v) { const f = v / this.len; this.x *= f; this.y *= f; }
  static origin() { return new Point(0, 0); }
}
const p = new Point(3, 4);
console.log(String(p), p.len, Point.origin().toString());
p.len = 10;
console.log(p.x, p.y);
console.log(typeof Point, Object.keys(p), Object.keys(Point.prototype));
try { Point(1, 2); } catch (e) { console.log(e instanceof TypeError); }
const C = class { m() { return 'anon'; } };
console.log(new C().m());
const D = class Named { who() { return Named === D; } };
console.log(new D().who());
console.log(p.constructor === Point, Object.getPrototypeOf(p) === Point.prototype);
