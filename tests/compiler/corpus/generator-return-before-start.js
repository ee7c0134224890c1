function* g() { try { yield 1; } finally { console.log('finally'); } }
const a = g();
console.log(JSON.stringify(a.return(5)), JSON.stringify(a.next()));
const b = g();
b.next();
console.log(JSON.stringify(b.return(6)), JSON.stringify(b.next()));
