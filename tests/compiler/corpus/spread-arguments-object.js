function f() { return [...arguments].reverse(); }
console.log(f(1, 2, 3));
function g() { return Math.max(...arguments); }
console.log(g(4, 9, 2));
