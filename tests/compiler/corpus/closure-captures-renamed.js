let fns = [];
{
  let a = 'A';
  fns.push(() => a);
  a = 'A2';
}
{
  let a = 'B';
  fns.push(() => a);
}
console.log(fns.map(f => f()).join());
function outer() { let v = 1; function inner() { return v; } { let v = 2; return [inner(), v]; } }
console.log(outer());
