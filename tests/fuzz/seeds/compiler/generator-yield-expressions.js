function* g() {
  const a = [yield 'a', yield 'b'];
  console.log('a', a);
  const o = { k: yield 'c' };
  console.log('o', o);
  console.log('sum', (yield 'd') + (yield 'e'));
  return (yield) ?? 'none';
}
const it = g();
let r = it.next();
let i = 0;
while (!r.done) { console.log('yielded', r.value); r = it.next(i++); }
console.log('ret', r.value);
