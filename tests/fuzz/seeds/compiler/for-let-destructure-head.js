for (let [a, b] = [0, 10]; a < b; a += 4, b -= 4) console.log(a, b);
const fns = [];
for (let { i } = { i: 0 }; i < 2; i++) fns.push(() => i);
console.log(fns.map(f => f()).join());
