import { helperA } from './a.mjs';
console.log('b sees', helperA());
export function fromB() { return 'B+' + helperA(); }
