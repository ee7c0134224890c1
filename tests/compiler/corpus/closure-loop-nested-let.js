const grid = [];
for (let r = 0; r < 3; r++) {
  for (let c = 0; c < 3; c++) {
    if (c > r) break;
    grid.push(() => [r, c]);
  }
}
console.log(JSON.stringify(grid.map(f => f())));
