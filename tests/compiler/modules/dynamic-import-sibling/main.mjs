// import() of a sibling the entry never imports statically, and of one it does: the same
// namespace object, evaluated once
import { shared } from './shared.mjs';
console.log('main', shared.count);
const p = import('./lazy.mjs');
console.log('import() returns', p instanceof Promise);
const lazy = await p;
console.log('lazy', lazy.value, lazy.default(2), Object.keys(lazy).join(','));
const again = await import('./lazy.mjs');
console.log('same namespace', again === lazy);
const s = await import('./shared.mjs');
console.log('shared', s.shared.count, s.shared === shared);
const spec = './sub/' + 'deep.mjs';
const deep = await import(spec);
console.log('deep', deep.where);
