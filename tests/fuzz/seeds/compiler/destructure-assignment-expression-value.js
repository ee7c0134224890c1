let a, b;
const r = [a, b] = [1, 2, 3];
console.log(r.length, a, b);
let x;
console.log(({ x } = { x: 'X' }).x, x);
