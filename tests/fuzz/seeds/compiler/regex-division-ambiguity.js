let a = 8, b = 2, g = 2;
console.log(a / b / g, a /b/ g);
const re = [/=>/, /x/, /[a]+/];
console.log(re.map(r => r.source.length));
const x = (1) / 2;
const y = [4][0] / 2;
console.log(x, y);
let z = 10;
z /= 2;
console.log(z);
function t() { return /ret/.test('return'); }
console.log(t(), typeof /x/, 'a+b'.split(/\+/));
console.log(`${/t/.source}`);
