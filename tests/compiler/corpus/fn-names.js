const f = function named() { return typeof named; };
console.log(f(), typeof named);
function fact(n) { return n <= 1 ? 1 : n * fact(n - 1); }
console.log(fact(5));
const g = function rec(n) { return n ? rec(n - 1) + 1 : 0; };
console.log(g(4));
