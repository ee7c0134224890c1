(async () => {
  const out = [];
  for await (const x of new Set([1, Promise.resolve(2), 3])) out.push(x);
  for await (const ch of 'ab') out.push(ch);
  console.log(out.join());
})();
