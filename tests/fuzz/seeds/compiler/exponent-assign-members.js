const o = { a: 2, b: [3] };
o.a **= 3;
o.b[0] **= 2;
console.log(o.a, o.b[0]);
