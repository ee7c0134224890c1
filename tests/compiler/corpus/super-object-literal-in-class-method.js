class Shape {
  describe() {
    const self = this;
    return {
      __proto__: { kind() { return 'literal proto'; } },
      kind() { return 'obj > ' + super.kind(); },
      owner() { return self.constructor.name; },
    };
  }
  kind() { return 'shape'; }
}
class Circle extends Shape { kind() { return 'circle > ' + super.kind(); } }
const c = new Circle();
const d = c.describe();
console.log(c.kind(), d.kind(), d.owner());
