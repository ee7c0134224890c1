function* g() {
  for (let i = 0; i < 3; i++) {
    const f = () => i * 2;
    const got = yield f();
    if (got === 'stop') return 'stopped at ' + i;
  }
}
const it = g();
console.log(it.next().value, it.next().value, it.next('stop').value);
