async function* g() {
  try { yield 1; yield 2; }
  finally { console.log('cleanup'); }
}
(async () => {
  const it = g();
  console.log(JSON.stringify(await it.next()));
  console.log(JSON.stringify(await it.return('bye')));
  console.log(JSON.stringify(await it.next()));
  const it2 = g();
  await it2.next();
  try { await it2.throw(new Error('thrown in')); } catch (e) { console.log('rejected', e.message); }
})();
