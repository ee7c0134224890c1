function f(xs) {
  const out = [];
  outer: for (const x of xs) {
    inner: { if (x < 0) break inner; out.push(x); }
    if (x > 5) break outer;
  }
  return out;
}
console.log(f([1, -1, 7, 2]));
