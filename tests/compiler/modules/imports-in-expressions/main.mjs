import { x, f, obj } from './lib.mjs';
import def from './lib.mjs';
import { x as again } from './re.mjs';
const o = { x, f };
console.log(JSON.stringify(o.x), `${x}-${obj.k}`, o.f());
class C { field = x; static s = f(); m() { return x + 1; } }
console.log(new C().field, C.s, new C().m());
function* g() { yield x; yield* [f()]; }
console.log([...g()].join());
(async () => { await null; console.log('async', x, again); })();
console.log(def.name, typeof def);
const arr = [x, ...[f()]];
console.log(arr.length, x ?? 'n', obj?.k, delete obj.k, obj.k);
