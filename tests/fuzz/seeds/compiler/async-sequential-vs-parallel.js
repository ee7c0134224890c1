const d = (v) => new Promise(r => setTimeout(() => r(v), 1));
(async () => {
  const s = [];
  for (const v of [1, 2, 3]) s.push(await d(v));
  const p = await Promise.all([1, 2, 3].map(d));
  console.log(s.join(), p.join());
})();
