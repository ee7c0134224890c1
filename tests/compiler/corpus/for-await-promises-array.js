const delay = (v, ms) => new Promise(r => setTimeout(() => r(v), ms));
(async () => {
  const out = [];
  for await (const v of [delay('slow', 5), 'plain', delay('fast', 1)]) out.push(v);
  console.log(out.join(' '));
})();
