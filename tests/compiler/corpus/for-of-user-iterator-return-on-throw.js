const log = [];
const iterable = {
  [Symbol.iterator]() {
    let i = 0;
    return { next: () => ({ value: i++, done: i > 5 }), return: () => { log.push('return called'); return {}; } };
  },
};
try { for (const v of iterable) { if (v === 2) throw new Error('stop at ' + v); } } catch (e) { log.push(e.message); }
for (const v of iterable) { if (v === 1) break; }
for (const v of iterable) { }
console.log(log.join(', '));
