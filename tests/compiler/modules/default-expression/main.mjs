import v from './v.mjs';
import o from './o.mjs';
console.log(v, o.fetch());
