import './m4.mjs';
import './m6.mjs';
console.log('m3 start');
await Promise.resolve().then(() => console.log('m3 inner0'));
console.log('m3 end');
