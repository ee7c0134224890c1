const x = 'outer';
function f(x) { { const x = 'block'; console.log(x); } return x; }
console.log(f('param'), x);
let y = 1;
{ let y = 2; { let y = 3; console.log(y); } console.log(y); }
console.log(y);
function g() { var z = 'fn'; { let z = 'blk'; console.log(z); } console.log(z); }
g();
const arr = [1, 2];
for (const arr2 of arr) { const arr = 'shadow' + arr2; console.log(arr); }
console.log(arr);
