let x = 'outer';
{
  try { console.log(typeof x); } catch (e) { console.log('inner tdz', e.message); }
  let x = 'inner';
  console.log(x);
}
console.log(typeof undeclaredVariable, x);
function f() { return typeof later; }
console.log((() => { try { return f(); } catch (e) { return e.name; } })());
let later = 1;
console.log(f());
