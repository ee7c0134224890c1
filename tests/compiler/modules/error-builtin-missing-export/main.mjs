import { Buffer, Nope } from 'node:buffer';
console.log(Buffer, Nope);
