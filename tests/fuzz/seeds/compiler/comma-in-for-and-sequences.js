let out = [];
for (let i = 0, j = 3; i < j; i++, j--) out.push(`${i}${j}`);
console.log(out.join());
let a, b;
const r = (a = 1, b = 2, a + b);
console.log(r);
