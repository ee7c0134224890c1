const { first = 'f', second = first + '2', third = second + first } = { first: 'A' };
console.log(first, second, third);
const [p = 1, q = p * 2, r = p + q] = [];
console.log(p, q, r);
function f({ w = 10, h = w / 2 } = {}) { return w * h; }
console.log(f(), f({ w: 4 }), f({ h: 1 }));
