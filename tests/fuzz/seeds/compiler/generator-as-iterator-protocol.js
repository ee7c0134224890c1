function* pairs(o) { for (const k of Object.keys(o)) yield [k, o[k]]; }
console.log(new Map(pairs({ a: 1, b: 2 })).get('b'));
console.log(Object.fromEntries(pairs({ x: 'y' })));
console.log(Array.from(pairs({ q: 1 }), ([k, v]) => k + v));
