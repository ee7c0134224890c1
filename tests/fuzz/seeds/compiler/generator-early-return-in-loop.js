function* gen() { try { for (let i = 0; ; i++) yield i; } finally { console.log('gen finally'); } }
function firstOver(n) { for (const x of gen()) { if (x > n) return x; } }
console.log(firstOver(2));
