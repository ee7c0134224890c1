const log = [];
async function f() { log.push(1); await undefined; log.push(3); await new Promise(r => setTimeout(r, 0)); log.push(6); }
f();
Promise.resolve().then(() => log.push(4)).then(() => log.push(5));
log.push(2);
setTimeout(() => { setTimeout(() => console.log(log.join(' ')), 0); }, 0);
