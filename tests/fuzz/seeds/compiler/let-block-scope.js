let x = 1;
{ let x = 2; console.log(x); { const x = 3; console.log(x); } console.log(x); }
console.log(x);
function f() { let y = 'a'; if (true) { let y = 'b'; console.log(y); } return y; }
console.log(f());
for (let i = 0; i < 2; i++) { let i2 = i * 10; console.log(i, i2); }
var v = 'outer';
{ let v2 = v + '!'; console.log(v2); }
