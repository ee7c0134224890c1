async function* agen() { yield 1; await null; yield 2; yield 3; }
(async () => {
  for await (const x of agen()) console.log('ag', x);
  for await (const y of [Promise.resolve('p1'), 'plain', Promise.resolve('p2')]) console.log('arr', y);
  for await (const z of agen()) { if (z === 2) break; console.log('z', z); }
  console.log('done');
})();
