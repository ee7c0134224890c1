async function f(fail) {
  try {
    console.log('try');
    await null;
    if (fail) throw new Error('fail');
    return 'ok';
  } catch (e) {
    console.log('catch', e.message);
    await null;
    return 'caught';
  } finally {
    console.log('finally start');
    await null;
    console.log('finally end');
  }
}
f(false).then(r => console.log('res1', r));
f(true).then(r => console.log('res2', r));
async function g() { try { return await Promise.reject(new Error('rej')); } catch (e) { return 'handled ' + e.message; } }
g().then(console.log);
