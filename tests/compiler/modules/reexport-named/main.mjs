import { y, z } from './mid.mjs';
console.log(y, z);
