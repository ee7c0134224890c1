async function f() { await null; null.x; }
f().catch(e => console.log(e instanceof TypeError));
async function g() { try { await Promise.reject('r1'); } catch (e) { console.log('caught', e); throw 'r2'; } }
g().catch(e => console.log('outer', e));
async function h() { const a = await 1; const b = await Promise.resolve(2); return a + b; }
h().then(v => console.log('h', v));
