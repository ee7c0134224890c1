const log = [];
async function direct() { return 1; }
async function viaPromise() { return Promise.resolve(2); }
direct().then(v => log.push('direct ' + v));
viaPromise().then(v => log.push('viaPromise ' + v));
Promise.resolve().then(() => log.push('a')).then(() => log.push('b')).then(() => log.push('c')).then(() => log.push('d'));
setTimeout(() => console.log(log.join(', ')), 5);
