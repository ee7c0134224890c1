const log = [];
const thenable = { then(res) { log.push('then called'); res('T'); } };
(async () => { const v = await thenable; log.push('got ' + v); })();
Promise.resolve().then(() => log.push('p1')).then(() => log.push('p2')).then(() => log.push('p3'));
setTimeout(() => console.log(log.join(', ')), 5);
