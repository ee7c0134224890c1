import './m6.mjs';
import './m3.mjs';
console.log('m4 start');
console.log('m4 end');
