console.log('slow start');
await new Promise(r => setTimeout(r, 10));
console.log('timer done');
await Promise.reject(new RangeError('rejected after a timer'));
