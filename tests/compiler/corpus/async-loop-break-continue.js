(async () => {
  const out = [];
  for (let i = 0; i < 5; i++) {
    await null;
    if (i === 1) continue;
    if (i === 3) break;
    out.push(i);
  }
  label: for (const a of [1, 2]) {
    for (const b of [1, 2]) {
      await null;
      if (b === 2) continue label;
      out.push(`${a}${b}`);
    }
  }
  console.log(out.join());
})();
