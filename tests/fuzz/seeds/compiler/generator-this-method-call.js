class Tree {
  constructor(v, ...kids) { this.v = v; this.kids = kids; }
  *walk() { yield this.v; for (const k of this.kids) yield* k.walk(); }
}
console.log([...new Tree(1, new Tree(2, new Tree(3)), new Tree(4)).walk()].join());
