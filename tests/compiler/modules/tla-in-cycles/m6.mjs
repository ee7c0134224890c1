import './m3.mjs';
import './m4.mjs';
console.log('m6 start');
console.log('m6 end');
