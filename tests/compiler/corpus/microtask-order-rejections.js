const log = [];
async function fails() { await null; throw new Error('x'); }
fails().catch(e => log.push('caught ' + e.message));
Promise.reject(new Error('y')).catch(e => log.push('caught ' + e.message));
Promise.resolve().then(() => log.push('ok'));
(async () => { try { await fails(); } catch (e) { log.push('try ' + e.message); } })();
setTimeout(() => console.log(log.join(' / ')), 5);
