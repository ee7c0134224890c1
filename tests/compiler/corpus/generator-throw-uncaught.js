function* g() { yield 1; console.log('never'); }
const it = g();
it.next();
try { it.throw(new Error('out')); } catch (e) { console.log('propagated', e.message); }
console.log(JSON.stringify(it.next()));
const fresh = g();
try { fresh.throw('before start'); } catch (e) { console.log('fresh', e); }
console.log(JSON.stringify(fresh.next()));
