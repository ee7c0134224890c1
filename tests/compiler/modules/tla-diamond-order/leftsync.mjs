import './base.mjs';
console.log('leftsync');
Promise.resolve().then(() => console.log('leftsync tick'));
