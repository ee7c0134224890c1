function f(x) {
  switch (x) {
    case 'a': { let r = 1; return r; }
    case 'b': { let r = 2; return r; }
  }
  let r = 3;
  return r;
}
console.log(f('a'), f('b'), f('c'));
