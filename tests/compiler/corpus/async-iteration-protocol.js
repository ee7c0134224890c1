const src = {
  [Symbol.asyncIterator]() {
    let i = 0;
    return { next() { i++; return Promise.resolve({ value: i, done: i > 3 }); }, return() { console.log('closed'); return Promise.resolve({ done: true }); } };
  }
};
(async () => {
  for await (const v of src) { console.log('v', v); if (v === 2) break; }
  let total = 0;
  for await (const v of src) total += v;
  console.log('total', total);
})();
