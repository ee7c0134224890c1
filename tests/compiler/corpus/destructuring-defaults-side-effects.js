const log = [];
function d(n) { log.push(n); return n; }
const {a = d('a'), b = d('b')} = {a: 1};
console.log(a, b, log.join());
const [x = d('x'), y = d('y')] = [undefined, 2];
console.log(x, y, log.join());
function f({p = d('p')} = d({})) { return p; }
console.log(f(), f({p: 0}), log.join());
