function* inner() { const x = yield 'i1'; console.log('inner got', x); yield 'i2'; return 'inner-ret'; }
function* outer() { const r = yield* inner(); console.log('r', r); yield* [10, 20]; yield* 'ab'; }
const it = outer();
console.log(it.next().value, it.next('X').value, it.next().value, it.next().value, it.next().value, it.next().value, it.next().value, it.next().done);
function* tree(t) { if (!t) return; yield* tree(t.l); yield t.v; yield* tree(t.r); }
console.log([...tree({v: 2, l: {v: 1}, r: {v: 3, r: {v: 4}}})]);
function* withFinally() { try { yield 1; yield 2; } finally { console.log('inner finally'); } }
function* deleg() { yield* withFinally(); }
const d = deleg(); d.next();
console.log(d.return('stop'));
