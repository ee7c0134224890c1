class Range {
  constructor(lo, hi, step = 1) { Object.assign(this, { lo, hi, step }); }
  *[Symbol.iterator]() { for (let v = this.lo; v < this.hi; v += this.step) yield v; }
  map(f) { return Array.from(this, f); }
}
const r = new Range(0, 10, 3);
console.log([...r], r.map(x => x * x), Math.max(...r));
const [first, ...others] = new Range(5, 8);
console.log(first, others);
