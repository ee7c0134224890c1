class Id {
  static #next = 1;
  static #gen() { return Id.#next++; }
  id = Id.#gen();
}
console.log(new Id().id, new Id().id, new Id().id);
