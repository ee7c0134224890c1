const f = (a, b,) => a + b;
console.log(f(1, 2,));
function g(x, y,) { return x * y; }
console.log(g(3, 4));
const arr = [1, 2, 3,];
const obj = { a: 1, b: 2, };
console.log(arr.length, Object.keys(obj).length);
