const fns = [];
for (const v of [1, 2, 3]) {
  switch (v % 2) {
    case 0: { const label = 'even' + v; fns.push(() => label); break; }
    default: { const label = 'odd' + v; fns.push(() => label); }
  }
}
console.log(fns.map(f => f()).join());
