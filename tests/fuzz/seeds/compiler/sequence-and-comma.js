let a = (1, 2, 3);
console.log(a);
for (let i = 0, j = 10; i < j; i += 4, j -= 4) console.log(i, j);
const f = (x, y) => (x++, y++, x + y);
console.log(f(1, 2));
