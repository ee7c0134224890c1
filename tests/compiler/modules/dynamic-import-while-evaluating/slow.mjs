console.log('slow start');
await new Promise(r => setTimeout(r, 20));
export const slow = 'finished';
console.log('slow end');
