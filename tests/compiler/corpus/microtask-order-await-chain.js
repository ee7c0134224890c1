const log = [];
async function step(name, n) {
  for (let i = 0; i < n; i++) { await null; log.push(name + i); }
}
step('x', 3); step('y', 2);
Promise.resolve().then(() => log.push('then'));
setTimeout(() => console.log(log.join(' ')), 5);
