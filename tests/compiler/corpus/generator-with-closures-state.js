function* idGen() {
  let id = 0;
  const reset = yield () => id;
  while (true) {
    const cmd = yield ++id;
    if (cmd === 'reset') id = 0;
  }
}
const it = idGen();
const peek = it.next().value;
it.next();
it.next(); it.next();
console.log(peek(), it.next('reset').value, it.next().value, peek());
