import './m1.mjs';
import './m4.mjs';
console.log('m2 start');
Promise.resolve().then(() => console.log('m2 mt0')).then(() => console.log('m2 mt0b'));
await new Promise(res => setTimeout(res, 0));
console.log('m2 after timer 1');
await Promise.resolve().then(() => console.log('m2 inner2'));
console.log('m2 end');
