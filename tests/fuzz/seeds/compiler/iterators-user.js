class Range {
  constructor(a, b) { this.a = a; this.b = b; }
  [Symbol.iterator]() { let c = this.a, b = this.b; return { next: () => c < b ? { value: c++, done: false } : { value: undefined, done: true } }; }
}
console.log([...new Range(1, 4)]);
const [first, ...others] = new Range(5, 8);
console.log(first, others);
let s = 0;
for (const v of new Range(0, 5)) s += v;
console.log(s);
console.log(Array.from(new Range(0, 3)), Math.max(...new Range(0, 10)));
