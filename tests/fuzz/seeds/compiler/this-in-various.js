const o = {
  name: 'o',
  regular() { return this.name; },
  arrow: () => typeof this,
  nested() { return [1].map(function () { return this; }, 'ctx')[0] + [1].map(() => this.name)[0]; },
};
console.log(o.regular(), o.arrow(), o.nested());
class C { constructor() { this.v = 'c'; } m() { return (() => (() => this.v)())(); } }
console.log(new C().m());
function F() { this.list = [1, 2]; this.total = 0; this.list.forEach(x => { this.total += x; }); }
console.log(new F().total);
