console.log('a start');
Promise.resolve().then(() => console.log('a tick 1')).then(() => console.log('a tick 2')).then(() => console.log('a tick 3'));
await 0;
console.log('a after await');
export const a = 'A';
