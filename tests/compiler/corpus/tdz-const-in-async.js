async function run() {
  const get = () => token;
  const early = (() => { try { return get(); } catch (e) { return e.message; } })();
  await null;
  const token = 'abc';
  return [early, get()];
}
run().then(r => console.log(r.join(' | ')));
