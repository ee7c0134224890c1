const base = { hi() { return 'base hi ' + this.name; }, get kind() { return 'base:' + this.name; }, x: 1 };
const child = {
  __proto__: base,
  name: 'child',
  hi() { return 'child > ' + super.hi(); },
  get kind() { return 'child/' + super.kind; },
  arrow() { return [1, 2].map(i => super.hi() + i); },
  async later() { await null; return super.hi(); },
  *gen() { yield super.x; },
  ['comp' + 1]() { return super.hi(); },
};
console.log(child.hi(), child.kind, child.arrow());
console.log([...child.gen()], child.comp1());
child.later().then(v => console.log('later', v));
const other = { name: 'other', hi() { return 'other'; } };
const m = { name: 'm', greet() { return super.hi(); } };
Object.setPrototypeOf(m, base);
console.log(m.greet());
Object.setPrototypeOf(m, other);
console.log(m.greet());
const borrowed = m.greet;
console.log(borrowed.call({ name: 'z' }));
const made = [];
for (var i = 0; i < 3; i++) made.push({ __proto__: { v: () => i * 10 + made.length }, f() { return super.v(); } });
console.log(made.map(o => o.f()).join(','));
function outer() {
  return { __proto__: { who() { return 'proto'; } }, who() { return 'own+' + super.who(); }, self: this.tag };
}
console.log(outer.call({ tag: 'T' }).who(), outer.call({ tag: 'T' }).self);
class K { m() { return { __proto__: { m() { return 'lit' } }, m() { return super.m(); } }.m(); } }
console.log(new K().m());
