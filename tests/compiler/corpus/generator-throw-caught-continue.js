function* g() {
  let errors = 0;
  while (true) {
    try { const v = yield errors; if (v === 'stop') return 'stopped'; }
    catch (e) { errors++; console.log('caught', e); }
  }
}
const it = g();
it.next();
console.log(it.throw('e1').value, it.throw('e2').value, it.next('stop'), it.next());
