async function* g() {
  yield Promise.resolve('unwrapped');
  const got = yield 'second';
  yield 'received ' + got;
}
(async () => {
  const it = g();
  console.log((await it.next()).value);
  console.log((await it.next()).value);
  console.log((await it.next('hello')).value);
  console.log(JSON.stringify(await it.next()));
})();
