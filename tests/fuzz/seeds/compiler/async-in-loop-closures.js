(async () => {
  const fs = [];
  for (const x of [1, 2, 3]) {
    const y = await Promise.resolve(x * 10);
    fs.push(() => y);
    if (x === 2) continue;
    console.log('iter', x);
  }
  console.log(fs.map(f => f()).join());
  for (let i = 0; i < 3; i++) {
    await null;
    const g = () => i;
    if (g() === 1) break;
    console.log('i', i);
  }
})();
