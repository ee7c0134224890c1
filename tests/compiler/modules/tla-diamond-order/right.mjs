import './base.mjs';
console.log('right start');
await null;
console.log('right end');
