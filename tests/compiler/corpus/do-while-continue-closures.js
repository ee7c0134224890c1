const fns = [];
let i = 0;
do {
  const v = i;
  i++;
  if (v === 1) continue;
  fns.push(() => v);
} while (i < 4);
console.log(fns.map(f => f()).join());
