const log = [];
function* res() {
  log.push('open');
  try { yield 1; yield 2; yield 3; }
  finally { log.push('close'); }
}
for (const v of res()) { log.push('v' + v); if (v === 2) break; }
try { for (const v of res()) { log.push('w' + v); throw new Error('x'); } } catch { log.push('caught'); }
console.log(log.join(' '));
