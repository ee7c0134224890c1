const log = [];
async function v() { return 1; }
async function p() { return Promise.resolve(1); }
v().then(() => log.push('v'));
p().then(() => log.push('p'));
Promise.resolve().then(() => log.push(1)).then(() => log.push(2)).then(() => log.push(3)).then(() => log.push(4)).then(() => console.log(log.join(',')));
