const log = [];
(async () => { await { then(r) { r('thenable'); } }; log.push('after thenable'); })();
(async () => { await Promise.resolve(); log.push('after native'); })();
(async () => { await 1; log.push('after value'); })();
setTimeout(() => console.log(log.join(', ')), 5);
