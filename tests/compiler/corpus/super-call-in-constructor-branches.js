class Base { constructor(v) { this.v = v; } }
class Picky extends Base {
  constructor(mode) {
    if (mode === 'double') super(2);
    else super(1);
    this.mode = mode;
  }
}
console.log(new Picky('double').v, new Picky('x').v, new Picky('x').mode);
class Late extends Base { constructor() { const compute = () => 40 + 2; super(compute()); } }
console.log(new Late().v);
