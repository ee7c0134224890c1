class Outer {
  #secret = 'outer-secret';
  makeInner() {
    const self = this;
    return new class Inner { reveal() { return self.#secret; } }();
  }
}
console.log(new Outer().makeInner().reveal());
