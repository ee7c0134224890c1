console.log('base start');
await new Promise(r => setTimeout(r, 2));
console.log('base end');
export const base = 1;
