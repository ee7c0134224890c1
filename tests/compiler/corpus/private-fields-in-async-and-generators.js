class Stream {
  #chunks = ['a', 'b', 'c'];
  #read = 0;
  async *[Symbol.asyncIterator]() { for (const c of this.#chunks) { await null; this.#read++; yield c; } }
  *sync() { yield* this.#chunks; }
  get read() { return this.#read; }
}
(async () => {
  const s = new Stream();
  const got = [];
  for await (const c of s) got.push(c);
  console.log(got.join(''), s.read, [...s.sync()].length);
})();
