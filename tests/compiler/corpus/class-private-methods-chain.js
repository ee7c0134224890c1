class Parser {
  #pos = 0;
  #src;
  constructor(src) { this.#src = src; }
  #peek() { return this.#src[this.#pos]; }
  #next() { return this.#src[this.#pos++]; }
  #number() { let n = ''; while (/[0-9]/.test(this.#peek() ?? '')) n += this.#next(); return Number(n); }
  sum() { let total = this.#number(); while (this.#peek() === '+') { this.#next(); total += this.#number(); } return total; }
}
console.log(new Parser('12+30+0+7').sum());
