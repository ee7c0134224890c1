const log = [];
setTimeout(() => log.push('timeout'), 0);
Promise.resolve().then(() => log.push('p1')).then(() => log.push('p2'));
queueMicrotask(() => log.push('qm'));
(async () => { log.push('async start'); await undefined; log.push('async after await'); })();
log.push('sync');
setTimeout(() => console.log(log.join(' | ')), 5);
