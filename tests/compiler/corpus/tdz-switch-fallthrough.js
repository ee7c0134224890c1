function f(n) {
  switch (n) {
    case 1:
      let msg = 'one';
    case 2:
      try { return msg ?? 'unset'; } catch (e) { return e.name; }
  }
}
console.log(f(1), f(2));
