const async = (x) => x * 2;
console.log(async(3));
const o = { async: 1, async get() { return 'ag'; } };
o.get().then(v => console.log(o.async, v));
const f = async x => x + 1;
f(1).then(console.log);
const g = async (a, b) => a + b;
g(1, 2).then(console.log);
