async function* g() {
  try { const x = yield 'a'; console.log('got', x); yield await Promise.resolve('b'); }
  finally { console.log('cleanup'); }
}
(async () => {
  const it = g();
  console.log(await it.next());
  console.log(await it.next('X'));
  console.log(await it.return('R'));
  console.log(await it.next());
  const it2 = g();
  const ps = [it2.next(), it2.next(1), it2.next(2)];
  for (const p of ps) console.log(await p);
})();
