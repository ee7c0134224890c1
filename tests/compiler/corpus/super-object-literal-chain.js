const a = { name() { return 'a'; }, describe() { return 'A(' + this.tag + ')'; } };
const b = { __proto__: a, name() { return 'b>' + super.name(); }, describe() { return 'B[' + super.describe() + ']'; } };
const c = { __proto__: b, tag: 'c', name() { return 'c>' + super.name(); } };
console.log(c.name(), c.describe());
const withSpread = { ...{ extra: 1 }, toString() { return 'custom ' + super.toString(); } };
console.log(String(withSpread), withSpread.extra);
const tricky = {
  __proto__: { val: 5, get dbl() { return this.val * 2; } },
  val: 7,
  get dbl() { return super.dbl + 1; },
  static() { return super.val; },
  has() { return 'val' in this && super.hasOwnProperty('val'); },
};
console.log(tricky.dbl, tricky.static(), tricky.has());
