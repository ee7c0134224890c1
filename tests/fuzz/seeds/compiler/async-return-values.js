async function v() { return 1; }
async function p() { return Promise.resolve(2); }
async function t() { throw new Error('E'); }
v().then(x => console.log('v', x));
p().then(x => console.log('p', x));
t().catch(e => console.log('t', e.message));
Promise.resolve().then(() => console.log('m1')).then(() => console.log('m2')).then(() => console.log('m3')).then(() => console.log('m4'));
(async () => { const r = await v(); console.log('arrow', r); })();
