import './base.mjs';
import './leftsync.mjs';
console.log('left');
