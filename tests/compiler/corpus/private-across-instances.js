class Point {
  #x; #y;
  constructor(x, y) { this.#x = x; this.#y = y; }
  equals(o) { return this.#x === o.#x && this.#y === o.#y; }
  static sum(a, b) { return new Point(a.#x + b.#x, a.#y + b.#y); }
  toString() { return `(${this.#x}, ${this.#y})`; }
}
const p = new Point(1, 2), q = new Point(1, 2);
console.log(p.equals(q), String(Point.sum(p, q)));
try { p.equals({ x: 1, y: 2 }); } catch (e) { console.log(e instanceof TypeError, e.message); }
const fake = Object.create(Point.prototype);
try { String(fake); } catch (e) { console.log(e.message); }
try { Point.prototype.equals.call(p, Object.assign(Object.create(Point.prototype), { x: 1 })); } catch (e) { console.log('caught', e.name); }
