let a = (1, 2, 3);
const f = () => void a++;
console.log(a, f(), a, typeof void 0);
for (let i = 0, j = 10; i < j; i += 3, j -= 3) console.log(i, j);
