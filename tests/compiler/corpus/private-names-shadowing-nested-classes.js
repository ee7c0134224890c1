class Outer {
  #v = 'outer';
  #o = 'outer-only';
  make() {
    const self = this;
    return new class Inner {
      #v = 'inner';
      both() { return [self.#o, this.#v]; }
      cross(o) { try { return o.#v; } catch (e) { return e.constructor.name; } }
    }();
  }
}
const inner = new Outer().make();
console.log(inner.both().join('/'), inner.cross(new Outer()), inner.cross(inner));
