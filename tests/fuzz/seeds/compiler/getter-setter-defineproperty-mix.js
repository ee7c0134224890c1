class P { #v = 0; get v() { return this.#v; } set v(x) { if (x < 0) throw new RangeError('neg'); this.#v = x; } }
const p = new P();
p.v = 5;
try { p.v = -1; } catch (e) { console.log(e.name, e.message); }
console.log(p.v);
