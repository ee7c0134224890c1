let a = 1, b = 2;
const snaps = [];
for (let i = 0; i < 3; i++) {
  [a, b] = [b, a + b];
  const snap = [a, b];
  snaps.push(() => snap.join('/'));
}
console.log(snaps.map(f => f()).join(' '), a, b);
