const arr = [];
arr.push(1);
const o = {};
o.k = 'v';
console.log(arr, o);
