function classify(n) {
  let result = 'none';
  check: {
    if (n < 0) { result = 'negative'; break check; }
    if (n === 0) { result = 'zero'; break check; }
    result = 'positive';
  }
  return result;
}
console.log([-1, 0, 5].map(classify).join(','));
outer: for (const a of [1, 2, 3]) {
  inner: for (const b of [1, 2, 3]) {
    if (b === 2) continue outer;
    if (a === 3) break outer;
    console.log(a, b);
  }
}
