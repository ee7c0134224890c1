const fns = [];
scan: for (let row = 0; row < 3; row++) {
  let col = 0;
  while (true) {
    if (col > row) continue scan;
    if (row === 2 && col === 1) break scan;
    const r = row, c = col;
    fns.push(() => `${r}:${c}`);
    col++;
  }
}
console.log(fns.map(f => f()).join(' '));
