function* naturals() { let n = 1; while (true) yield n++; }
function* take(n, it) { for (const v of it) { if (n-- <= 0) return; yield v; } }
function* map(f, it) { for (const v of it) yield f(v); }
console.log([...take(5, map(x => x * x, naturals()))]);
