const o = { a: { b: 1, c: 2 } };
console.log(delete o?.a?.b, JSON.stringify(o));
const n = null;
console.log(delete n?.a);
const f = o.a?.toString;
console.log(typeof f, o.missing?.toString === undefined);
