const log = [];
function* g() {
  try { yield 1; yield 2; yield 3; }
  finally { log.push('closed'); }
}
const [a] = g();
log.push('after a=' + a);
const [b, c, d, e] = g();
log.push(`after ${b},${c},${d},${e}`);
const [...all] = g();
log.push('all ' + all);
console.log(log.join(' | '));
