import './slow.mjs';
console.log('never');
