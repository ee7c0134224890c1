const m = new Map([['x', 1], ['y', 2]]);
const [[k1, v1], [k2]] = m;
console.log(k1, v1, k2);
const [first] = m.keys();
console.log(first);
