function f() {
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const g = () => i + j;
      if (g() === 3) return [i, j, g()];
    }
  }
}
console.log(f());
