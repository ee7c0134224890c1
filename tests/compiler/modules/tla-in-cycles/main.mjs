// cycles (m1 <-> m2, m3 <-> m4 <-> m6) whose files await: a cycle changes state as one
import './m1.mjs';
import './m5.mjs';
import './m4.mjs';
import './m3.mjs';
console.log('main start');
console.log('main end');
