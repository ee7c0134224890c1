class Coll {
  constructor(...xs) { this.xs = xs; }
  *[Symbol.iterator]() { for (const x of this.xs) yield x; }
  static *range(n) { for (let i = 0; i < n; i++) yield i; }
}
console.log([...new Coll(1, 2, 3)], [...Coll.range(3)]);
const o = { *g() { yield this.v; }, v: 'V' };
console.log([...o.g()]);
const gf = function* named() { yield typeof named; };
console.log([...gf()]);
