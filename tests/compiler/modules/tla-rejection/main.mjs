import './setup.mjs';
console.log('never');
