const o = { list: [] };
let i = 0;
[o.first, o.list[i++], ...o.rest] = ['x', 'y', 'z', 'w'];
console.log(JSON.stringify(o), i);
({ a: o.fromObj, b: o['computed'] = 'dflt' } = { a: 1 });
console.log(o.fromObj, o.computed);
