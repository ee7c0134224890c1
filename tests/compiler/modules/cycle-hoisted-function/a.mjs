import { fromB } from './b.mjs';
export function helperA() { return 'helperA'; }
export function fromA() { return 'A+' + fromB(); }
console.log('a evaluated');
