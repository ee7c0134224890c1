class Money {
  #cents;
  constructor(c) { this.#cents = c; }
  #fmt() { return (this.#cents / 100).toFixed(2); }
  get display() { return '$' + this.#fmt(); }
  plus(o) { return new Money(this.#cents + o.#cents); }
}
console.log(new Money(150).plus(new Money(275)).display);
