async function a() { console.log('a1'); await null; console.log('a2'); await undefined; console.log('a3'); }
async function b() { console.log('b1'); await Promise.resolve(); console.log('b2'); }
a(); b();
Promise.resolve().then(() => console.log('p1')).then(() => console.log('p2')).then(() => console.log('p3'));
queueMicrotask(() => console.log('qm'));
console.log('sync');
