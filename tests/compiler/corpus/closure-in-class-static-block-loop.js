class Ops {
  static table = {};
  static {
    for (const [name, fn] of [['add', (a, b) => a + b], ['mul', (a, b) => a * b]]) {
      this.table[name] = (...args) => `${name}=${fn(...args)}`;
    }
  }
}
console.log(Ops.table.add(2, 3), Ops.table.mul(2, 3));
