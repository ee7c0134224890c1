const log = [];
function* g() { try { yield 1; yield 2; } finally { log.push('cleanup'); } }
for (const x of g()) { log.push(x); break; }
console.log(log.join());
const [a] = g();
console.log(a, log.join());
const it = g();
it.next();
it.return();
console.log(log.join());
