function search(grid, target) {
  for (let r = 0; r < grid.length; r++) {
    for (let c = 0; c < grid[r].length; c++) {
      const check = () => grid[r][c] === target;
      if (check()) return [r, c];
    }
  }
  return null;
}
console.log(search([[1, 2], [3, 4]], 4), search([[1]], 9));
function sumUntil(xs, stop) {
  let s = 0;
  for (const x of xs) {
    const f = () => x;
    if (f() === stop) break;
    s += f();
  }
  return s;
}
console.log(sumUntil([1, 2, 3, 4], 3));
