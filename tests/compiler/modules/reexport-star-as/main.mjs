import { lib } from './mid.mjs';
console.log(lib.a, Object.keys(lib).join(','));
