import './boom.mjs';
console.log('never');
