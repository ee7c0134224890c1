import { Buffer as B } from 'buffer';
export { Buffer as B2 } from 'node:buffer';
export * from './again.mjs';
export function encode(s) { return B.from(s, 'utf8').toString('hex'); }
