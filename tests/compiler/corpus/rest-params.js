function f(a, ...rest) { return [a, rest.length, rest]; }
console.log(f(1), f(1, 2, 3));
const g = (...all) => all.reduce((s, x) => s + x, 0);
console.log(g(1, 2, 3, 4));
function h(a, ...[b, c]) { return a + b + c; }
console.log(h(1, 2, 3));
console.log(Array.isArray(f().pop()));
