const fns = [];
for (let i = 0; i < 10; i++) {
  fns.push(() => i);
  if (i % 3 === 0) i++;
  if (i === 7) continue;
}
console.log(fns.map(f => f()).join(','));
const gs = [];
for (let i = 0, j = 10; i < j; i++, j--) {
  gs.push(() => [i, j]);
  [i, j] = [i + 1, j];
}
console.log(JSON.stringify(gs.map(f => f())));
const hs = [];
for (let i = 0; i < 5; i++) {
  hs.push(() => i++);
  hs.push(() => i);
}
console.log(hs.map(f => f()).join(','));
