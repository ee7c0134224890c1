const log = [];
async function* gen() { log.push('g start'); yield 1; log.push('g after 1'); yield 2; }
(async () => {
  for await (const v of gen()) log.push('got ' + v);
  log.push('loop done');
})();
Promise.resolve().then(() => log.push('p1')).then(() => log.push('p2')).then(() => log.push('p3'));
setTimeout(() => console.log(log.join(' | ')), 5);
