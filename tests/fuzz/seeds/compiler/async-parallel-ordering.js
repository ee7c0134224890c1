const d = (v, n) => new Promise(r => { let c = n; const tick = () => c-- ? Promise.resolve().then(tick) : r(v); tick(); });
async function a() { console.log('a', await d('A', 3)); }
async function b() { console.log('b', await d('B', 1)); }
async function c() { console.log('c', await 'C'); }
a(); b(); c();
console.log('sync');
