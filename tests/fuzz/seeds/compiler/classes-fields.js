let counter = 0;
class A {
  x = 1;
  y = this.x + 1;
  ['comp' + 'uted'] = 'c';
  id = ++counter;
  arrow = () => this.x;
  static s = 'static';
  static t = A.s + '!';
  static { this.u = 'block ' + this.t; }
}
const a = new A(), b = new A();
console.log(a.x, a.y, a.computed, a.id, b.id, a.arrow.call(null), A.s, A.t, A.u);
class B extends A { z = this.y * 10; constructor() { super(); this.w = this.z + 1; } }
const bb = new B();
console.log(bb.x, bb.z, bb.w, Object.keys(bb).join());
class F { f; }
console.log('f' in new F(), new F().f);
