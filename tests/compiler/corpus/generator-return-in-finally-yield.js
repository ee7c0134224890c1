function* g() {
  try { yield 1; yield 2; }
  finally { yield 'cleanup'; console.log('after cleanup'); }
}
const it = g();
console.log(JSON.stringify(it.next()), JSON.stringify(it.return('R')), JSON.stringify(it.next()), JSON.stringify(it.next()));
