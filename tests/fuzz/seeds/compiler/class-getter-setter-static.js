class Temp {
  static #count = 0;
  #c = 0;
  static get count() { return Temp.#count; }
  get f() { return this.#c * 9 / 5 + 32; }
  set f(v) { this.#c = (v - 32) * 5 / 9; Temp.#count++; }
}
const t = new Temp();
t.f = 212;
console.log(t.f, Temp.count);
