async function* g() { let i = 0; while (i < 3) { await new Promise(r => setTimeout(r, 1)); yield i++; } }
const it = g();
Promise.all([it.next(), it.next(), it.next(), it.next()]).then(rs => console.log(rs.map(r => r.done ? 'done' : r.value).join()));
