function* inner() { try { yield 1; } catch (e) { console.log('inner caught', e); yield 'recovered'; } }
function* outer() { yield* inner(); yield 'after'; }
const it = outer();
console.log(it.next().value, it.throw('E').value, it.next().value, it.next().done);
