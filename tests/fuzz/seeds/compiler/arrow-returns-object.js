const mk = (a, b) => ({ a, b, sum: a + b });
console.log(mk(1, 2));
const list = [1, 2].map(x => ({ x }));
console.log(JSON.stringify(list));
