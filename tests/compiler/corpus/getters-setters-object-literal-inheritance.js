const base = { _n: 1, get n() { return this._n; }, set n(v) { this._n = v; } };
const child = Object.create(base);
child.n = 5;
console.log(child.n, base.n, Object.keys(child), typeof Object.getOwnPropertyDescriptor(base, 'n').get);
