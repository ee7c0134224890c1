function make(log) {
  let i = 0;
  return {
    [Symbol.iterator]() { return this; },
    next() { log.push('next'); return { value: i++, done: i > 5 }; },
    return() { log.push('return'); return {}; }
  };
}
let log = [];
for (const x of make(log)) { if (x === 1) break; }
console.log(log.join());
log = [];
try { for (const x of make(log)) { throw new Error('e' + x); } } catch (e) { console.log(e.message, log.join()); }
log = [];
function f() { for (const x of make(log)) { if (x === 2) return x; } }
console.log(f(), log.join());
log = [];
for (const x of make(log)) {}
console.log(log.join());
log = [];
outer: for (const a of [1, 2]) { for (const b of make(log)) { continue outer; } }
console.log(log.join());
