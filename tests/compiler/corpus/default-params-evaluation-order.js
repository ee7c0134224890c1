const log = [];
function f(a = log.push('a'), b = (log.push('b'), a + 1), c = log.push('c')) { return [a, b, c]; }
console.log(JSON.stringify(f()), log.join(''));
log.length = 0;
console.log(JSON.stringify(f(10, undefined, null)), log.join(''));
function g(x, y = () => x) { x = 'changed'; return y(); }
console.log(g('orig'));
