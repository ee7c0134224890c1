const o = { a: 1, a: 2, ['a']: 3 };
console.log(o.a, Object.keys(o).length);
const p = { x: 1, ...{ x: 2 }, x: 3 };
console.log(p.x);
