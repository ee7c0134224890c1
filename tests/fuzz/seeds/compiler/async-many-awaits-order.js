const log = [];
async function a() { for (let i = 0; i < 3; i++) { log.push('a' + i); await null; } }
async function b() { for (let i = 0; i < 3; i++) { log.push('b' + i); await null; } }
Promise.all([a(), b()]).then(() => console.log(log.join(' ')));
