import { a } from './a.mjs';
console.log('c sees', a);
queueMicrotask(() => console.log('c microtask'));
export const c = 'C';
