console.log(2 ** 3, 2 ** 3 ** 2, (-2) ** 2, 2 ** -1);
let x = 3; x **= 2; console.log(x);
const o = {v: 2}; o.v **= 10; console.log(o.v);
console.log(10 ** 0, 0.5 ** 2);
