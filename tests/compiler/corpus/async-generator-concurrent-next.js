async function* g() { for (let i = 0; i < 3; i++) { await new Promise(r => setTimeout(r, 3 - i)); yield i; } }
const it = g();
Promise.all([it.next(), it.next(), it.next(), it.next()]).then(rs => console.log(JSON.stringify(rs)));
