class Builder {
  #parts = [];
  add(p) { this.#parts.push(p); return this; }
  build() { return this.#parts.join(' '); }
}
console.log(new Builder().add('a').add('b').build());
