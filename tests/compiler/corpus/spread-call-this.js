const o = { base: 1, add(a, b) { return this.base + a + b; }, inner: { base: 10, add(a, b) { return this.base + a + b; } } };
const args = [2, 3];
console.log(o.add(...args), o.inner.add(...args), o['add'](...args));
let calls = 0;
const getO = () => { calls++; return o; };
console.log(getO().add(...args), calls);
console.log(String.fromCharCode(...[104, 105]));
console.log([].concat(...[[1], [2, 3]]));
