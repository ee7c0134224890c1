const log = [];
function* inner() { try { yield 'i1'; yield 'i2'; } finally { log.push('inner finally'); } }
function* outer() { try { yield* inner(); yield 'o'; } finally { log.push('outer finally'); } }
const it = outer();
it.next();
console.log(JSON.stringify(it.return('done')), log.join(', '));
