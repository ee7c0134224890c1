async function* numbers(n) { for (let i = 1; i <= n; i++) { await null; yield i; } }
async function* map(src, f) { for await (const v of src) yield f(v); }
async function* filter(src, p) { for await (const v of src) if (p(v)) yield v; }
(async () => {
  const out = [];
  for await (const v of filter(map(numbers(8), x => x * x), x => x % 2 === 0)) out.push(v);
  console.log(out);
})();
