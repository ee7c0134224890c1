const sleep = (ms, v) => new Promise(r => setTimeout(() => r(v), ms));
async function run() {
  const out = [];
  for (let i = 0; i < 3; i++) { out.push(await sleep(1, i)); }
  for (const x of ['a', 'b']) { out.push(await x); }
  let n = 0;
  while (n < 2) { await null; n++; }
  out.push(n);
  const fs = [];
  for (let i = 0; i < 2; i++) { await null; fs.push(() => i); }
  out.push(fs.map(f => f()).join());
  return out;
}
run().then(o => console.log(o.join(' ')));
