const log = (...a) => console.log(...a);
async function f() {
  try { log('f try'); return 'R'; }
  finally { log('f finally'); await null; log('f finally after await'); }
}
f().then(v => log('f resolved', v));
Promise.resolve().then(() => log('t1')).then(() => log('t2')).then(() => log('t3')).then(() => log('t4'));
