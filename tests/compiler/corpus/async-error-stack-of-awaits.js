async function level3() { await null; throw new Error('deep'); }
async function level2() { return await level3(); }
async function level1() { try { await level2(); } catch (e) { return 'caught ' + e.message; } }
level1().then(console.log);
async function noCatch() { await level2(); }
noCatch().then(() => console.log('never'), e => console.log('rejected', e.message));
