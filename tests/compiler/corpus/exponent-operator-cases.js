console.log(2 ** 10, (-2) ** 3, 2 ** -1, 2 ** 3 ** 2, (2 ** 3) ** 2);
let b = 3;
b **= 2;
const arr = [2];
arr[0] **= 0.5;
console.log(b, arr[0].toFixed(4), 10 ** 21, 0 ** 0, NaN ** 0);
