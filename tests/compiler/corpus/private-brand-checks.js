class A { #x = 1; #m() { return 2; } get #g() { return 3; } static #s = 4; static #sm() {}
  static t(o) {
    for (const f of [() => o.#x, () => { o.#x = 5; }, () => o.#m(), () => o.#g, () => { o.#g = 1; }, () => o.#x++, () => #x in o, () => A.#s, () => o.#sm, ()=>{o.#m = 1}]) {
      try { console.log(f()); } catch (e) { console.log(e.constructor.name, e.message); }
    }
  }
}
A.t({}); A.t(new A()); A.t(Object.create(new A()));A.t(1)
