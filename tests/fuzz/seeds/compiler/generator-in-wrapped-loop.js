function* g() {
  for (const x of [1, 2, 3]) {
    const f = () => x;
    if (x === 2) continue;
    yield f();
  }
}
console.log([...g()]);
