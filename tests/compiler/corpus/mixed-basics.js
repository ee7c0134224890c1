const xs = [1, 2, 3];
let sum = 0;
for (const x of xs) sum += x;
console.log(`sum=${sum}`, xs.map(x => x * 2));
const {a, b: [c, d = 5], ...rest} = {a: 1, b: [2], e: 3, f: 4};
console.log(a, c, d, rest);
const fns = [];
for (let i = 0; i < 3; i++) fns.push(() => i);
console.log(fns.map(f => f()));
class A { #x = 1; constructor(y) { this.y = y; } get x() { return this.#x; } static s() { return 'S'; } m() { return 'A.m'; } }
class B extends A { constructor() { super(7); this.z = 2; } m() { return 'B>' + super.m(); } }
const bb = new B();
console.log(bb.x, bb.y, bb.z, bb.m(), B.s(), bb instanceof A);
function* g() { const r = yield 1; console.log('got', r); yield* [2, 3]; return 4; }
const it = g();
console.log(it.next(), it.next('hi'), it.next(), it.next(), it.next());
async function f1() { console.log('f1 start'); await null; console.log('f1 after'); return 5; }
f1().then(v => console.log('f1 ->', v));
Promise.resolve().then(() => console.log('tick1')).then(() => console.log('tick2'));
console.log('sync end', a?.b, null ?? 'dflt', 2 ** 10, [...'ab', ...xs]);
const o = {x: 1, ["y" + 1]: 2, m() { return this.x; }};
console.log(Object.keys(o), o.y1, o.m(), o?.m());
class E extends Error { constructor(m) { super(m); this.name = 'E'; } }
try { throw new E('boom'); } catch ({name, message}) { console.log(name, message, new E('q') instanceof E); }
