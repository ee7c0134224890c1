console.log('m5 start');
for await (const x of [1, Promise.resolve(2)]) console.log('m5 fa', x);
await null;
console.log('m5 after await 1');
await null;
console.log('m5 after await 2');
console.log('m5 end');
