// a file importing itself: the promise settles after its evaluation, with its namespace
export const name = 'main';
export let phase = 'evaluating';
import('./main.mjs').then(ns => console.log('self', ns.name, ns.phase));
import('./other.mjs').then(ns => console.log('other', ns.back));
phase = 'done';
console.log('end of main');
