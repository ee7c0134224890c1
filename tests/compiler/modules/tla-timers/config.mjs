setTimeout(() => console.log('config timeout A'), 0);
Promise.resolve().then(() => console.log('config microtask'));
console.log('config start');
export const ready = await new Promise(r => setTimeout(() => { console.log('config timer fires'); r('yes'); }, 10));
console.log('config end');
