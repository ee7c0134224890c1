console.log('y start');
await Promise.resolve().then(() => console.log('y inner then'));
console.log('y middle');
await new Promise(r => r());
console.log('y end');
