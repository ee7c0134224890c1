function* inner() {
  try { yield 1; } catch (e) { yield 'inner caught ' + e; }
  yield 'inner end';
}
function* outer() { const r = yield* inner(); yield 'outer got ' + r; }
const it = outer();
console.log(it.next().value, it.throw('X').value, it.next().value, it.next().value, it.next().done);
