function* g() {
  try { yield 1; yield 2; } catch (e) { console.log('caught', e); yield 'from-catch'; } finally { console.log('finally'); }
  yield 3;
}
let it = g();
console.log(it.next());
console.log(it.throw('boom'));
console.log(it.next());
console.log(it.next());
it = g();
it.next();
console.log(it.return('R'));
console.log(it.next());
it = g();
console.log(it.return('early'));
try { g().throw(new Error('unstarted')); } catch (e) { console.log('unstarted', e.message); }
function* h() { try { yield 1; } finally { yield 'cleanup'; console.log('after cleanup'); } }
it = h();
it.next();
console.log(it.return(9));
console.log(it.next());
function* k() { try { yield 1; } finally { return 'override'; } }
it = k(); it.next();
console.log(it.return(1));
