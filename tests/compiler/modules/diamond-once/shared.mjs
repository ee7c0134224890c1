console.log('shared evaluated');
export let hits = '';
export function hit(s) { hits += s; return hits.length; }
