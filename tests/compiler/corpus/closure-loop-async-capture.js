async function run() {
  const out = [];
  const ps = [];
  for (let i = 0; i < 3; i++) {
    ps.push((async () => { await null; out.push(i); })());
  }
  await Promise.all(ps);
  for (const x of [10, 20]) {
    await new Promise(r => setTimeout(r, 1));
    out.push(x);
  }
  return out;
}
run().then(v => console.log(v.join(',')));
