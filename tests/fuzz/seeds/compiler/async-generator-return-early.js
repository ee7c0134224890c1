async function* g() { try { yield 1; yield 2; } finally { console.log('ag finally'); } }
(async () => { for await (const v of g()) { console.log(v); break; } console.log('after'); })();
