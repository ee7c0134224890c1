let fns = [];
for (const x of [1, 2]) {
  let y = x;
  fns.push(() => y);
  y *= 10;
}
console.log(fns.map(f => f()).join());
