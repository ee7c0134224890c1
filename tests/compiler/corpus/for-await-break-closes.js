const log = [];
const src = {
  [Symbol.asyncIterator]() {
    let i = 0;
    return {
      next: async () => ({ value: i++, done: false }),
      return: async () => { log.push('closed at ' + i); return { done: true }; },
    };
  },
};
(async () => {
  for await (const v of src) { log.push(v); if (v === 2) break; }
  console.log(log.join(', '));
})();
