function* calc() {
  const a = (yield 'first') + (yield 'second');
  const arr = [yield 'third', yield 'fourth'];
  return { a, arr };
}
const it = calc();
console.log(it.next().value, it.next(1).value, it.next(2).value, it.next('x').value);
console.log(JSON.stringify(it.next('y')));
