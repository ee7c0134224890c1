const thenable = { then(res) { console.log('then called'); res('T'); } };
(async () => { console.log('before'); const v = await thenable; console.log('got', v); })();
Promise.resolve().then(() => console.log('x1')).then(() => console.log('x2')).then(() => console.log('x3'));
console.log('end');
