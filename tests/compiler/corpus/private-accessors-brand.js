class Temp {
  #c = 20;
  get #f() { return this.#c * 9 / 5 + 32; }
  set #f(v) { this.#c = (v - 32) * 5 / 9; }
  get #ro() { return 'ro'; }
  static f(o) { return o.#f; }
  static setF(o, v) { o.#f = v; return o.#c; }
  static ro(o, v) { o.#ro = v; }
}
const t = new Temp();
console.log(Temp.f(t), Temp.setF(t, 212));
try { Temp.f({}); } catch (e) { console.log(e.message); }
try { Temp.setF({}, 1); } catch (e) { console.log(e.message); }
try { Temp.ro(t, 1); } catch (e) { console.log(e.message); }
class Sub extends Temp { constructor() { super(); console.log('sub', Temp.f(this)); } }
new Sub();
