import './m3.mjs';
import './m5.mjs';
import './m6.mjs';
import './m2.mjs';
import './m4.mjs';
console.log('m1 start');
console.log('m1 end');
