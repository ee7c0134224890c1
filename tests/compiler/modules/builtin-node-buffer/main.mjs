// Workers' nodejs_compat scripts import Buffer from 'node:buffer' (or 'buffer'); the
// runtime's own Buffer is that module's export, in a file of the bundle and in the entry.
import { Buffer } from 'node:buffer';
import buffer, { atob, btoa } from 'buffer';
import * as ns from 'node:buffer';
import { encode, B2, Again } from './lib.mjs';
console.log(Buffer.from('hello').toString('base64'), typeof buffer.Buffer, buffer.Buffer === Buffer);
console.log(atob(btoa('x y')), ns.Buffer === Buffer, typeof ns.default, ns.default.Buffer === Buffer);
console.log(encode('édge'), B2 === Buffer, Again === Buffer);
console.log(Buffer.isBuffer(Buffer.alloc(2)), Buffer.byteLength('héllo'), Buffer.concat([Buffer.from('a'), Buffer.from('b')]).toString());
