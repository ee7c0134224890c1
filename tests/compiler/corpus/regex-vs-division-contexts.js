const a = 10, g = 2, i = 1;
console.log(a / g / i, a /g/ i);
const re = /=+/g;
console.log('a==b'.replace(re, '-'), /[/]/.test('/'), (4) / 2, [8][0] / 4);
const x = {} / 1;
console.log(typeof x, `${/t/.source}`);
let y = 5
/2/1
console.log(y);
