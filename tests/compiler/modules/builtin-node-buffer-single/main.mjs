// A single file that imports a built-in module is compiled as a bundle for it.
import { Buffer } from 'node:buffer';
import { btoa } from 'buffer';
export default {
  fetch() { return new Response(Buffer.from('x').toString('hex')); },
};
console.log(Buffer.from([104, 105]).toString(), btoa('hi'), typeof Buffer.alloc);
