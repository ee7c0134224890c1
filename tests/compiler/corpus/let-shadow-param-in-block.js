function f(x) { { let x = 'inner'; console.log(x); } return x; }
console.log(f('param'));
