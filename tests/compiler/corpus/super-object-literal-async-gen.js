const base = { async load(k) { return 'base:' + k; }, *items() { yield 'b1'; yield 'b2'; } };
const derived = {
  __proto__: base,
  async load(k) { const v = await super.load(k); return v.toUpperCase(); },
  *items() { yield 'd0'; yield* super.items(); },
};
derived.load('key').then(v => console.log(v));
console.log([...derived.items()].join(','));
