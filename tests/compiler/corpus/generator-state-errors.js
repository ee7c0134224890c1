function* g() { const x = yield 1; throw new Error('inside ' + x); }
const it = g();
it.next();
try { it.next('v'); } catch (e) { console.log(e.message); }
console.log(it.next());
function* selfRef() { try { it2.next(); } catch (e) { yield e.constructor.name; } }
const it2 = selfRef();
console.log(it2.next().value);
function* withReturn() { yield 1; return 2; }
console.log([...withReturn()]);
const gen = withReturn();
for (const v of gen) console.log('v', v);
console.log(gen.next());
