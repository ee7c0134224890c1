async function* g() { yield 1; throw new Error('boom'); }
(async () => {
  try { for await (const v of g()) console.log('v', v); } catch (e) { console.log('caught', e.message); }
  const it = g();
  await it.next();
  try { await it.throw(new Error('injected')); } catch (e) { console.log('thrown', e.message); }
  console.log(await it.next());
})();
