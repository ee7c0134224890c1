function* g() { const a = yield; const b = yield; return [a, b]; }
const it = g();
it.next('ignored');
it.next('A');
console.log(it.next('B').value);
