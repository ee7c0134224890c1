async function f() { try { throw new Error('first'); } finally { await null; console.log('finally ran'); } }
f().catch(e => console.log('caught', e.message));
async function g() { try { return 'value'; } finally { throw new Error('override'); } }
g().then(v => console.log('no', v), e => console.log('rejected', e.message));
