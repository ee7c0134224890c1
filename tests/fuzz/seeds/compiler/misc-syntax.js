const obj = { if: 1, class: 2, new: 3, default: 4, let: 5, async: 6, get: 7, set: 8, static: 9, of: 10, await: 11, yield: 12 };
console.log(Object.values(obj).join());
console.log(obj.if + obj.class + obj.default);
const async = 1, of = 2, get = 3, set = 4;
console.log(async + of + get + set);
let let2 = 'ok';
console.log(let2);
const { default: d, new: n } = obj;
console.log(d, n);
