// JSON.stringify first walks property tables directly (Duktape's fast path) and starts over
// with the generic serializer on anything that path cannot do without side effects. Each
// case sits at one of those boundaries; the output must be Node's either way.
function show(label, v, replacer, space) {
  try {
    console.log(label, JSON.stringify(v, replacer, space));
  } catch (e) {
    console.log(label, 'throws', e.name);
  }
}

show('plain', { a: 1, b: 'two', c: [true, false, null], d: { e: -0, f: 1.5e300, g: NaN } });
show('omitted values', { u: undefined, f: function () {}, s: Symbol('x'), kept: 1 });
show('array holes and functions', [1, , undefined, function () {}, Symbol('y'), 3]);
show('symbol keys skipped', (function () { var o = { a: 1 }; o[Symbol('k')] = 2; return o; })());
show('non-enumerable skipped', Object.defineProperty({ a: 1 }, 'hidden', { value: 2 }));
show('array-index keys first', { b: 1, 2: 'two', a: 3, 1: 'one', '01': 'not an index' });
show('accessor in the middle', { a: 1, get b() { return 'got'; }, c: 3 });
var calls = 0;
show('accessor runs once', { before: [1, 2, 3], get g() { calls++; return calls; }, after: 'x' });
console.log('getter calls', calls);
show('toJSON on a value', { a: { toJSON: function (k) { return 'key ' + k; } }, b: 2 });
function Point(x, y) { this.x = x; this.y = y; }
Point.prototype.toJSON = function () { return [this.x, this.y]; };
show('toJSON on the prototype', { p: new Point(1, 2), q: [new Point(3, 4)] });
show('Date', { when: new Date(0) });
show('boxed primitives', [new Number(3), new String('s'), new Boolean(false)]);
show('typed array inside', { t: new Uint8Array([1, 2]), after: 1 });
show('ArrayBuffer inside', { b: new ArrayBuffer(2) });
show('Map and Set', { m: new Map([[1, 2]]), s: new Set([1]) });
show('RegExp and Error', { r: /x/g, e: new Error('boom') });
show('Proxy', new Proxy({ a: 1 }, { get: function (t, k) { return k === 'a' ? 'trapped' : t[k]; } }));
show('array with extra props', (function () { var a = [1, 2]; a.extra = 3; return a; })());
Array.prototype[1] = 'inherited';
show('hole with an inherited element', [0, , 2]);
delete Array.prototype[1];
show('hole without', [0, , 2]);
show('strings', ['quote " backslash \\ tab \t nl \n', '\u2028\u2029', '\ud800 lone', '\ud83d\ude00 pair', '\u0000\u001f']);
show('nested 63', JSON.parse('['.repeat(63) + ']'.repeat(63)));
show('nested 64', JSON.parse('['.repeat(64) + ']'.repeat(64)));
show('nested 65', JSON.parse('['.repeat(65) + ']'.repeat(65)));
var deep = {};
for (var i = 0, o = deep; i < 200; i++) o = o.n = {};
console.log('nested 200 objects', JSON.stringify(deep).length);
var cyc = { a: [1] };
cyc.a.push(cyc);
show('cycle', cyc);
var shared = { s: 1 };
show('shared, not a cycle', { a: shared, b: shared, c: [shared, shared] });
show('space number', { a: [1, { b: 2 }], c: {} }, null, 2);
show('space string', { a: [1], b: { c: 'd' } }, null, '--');
show('replacer array', { a: 1, b: 2, c: { a: 3, d: 4 } }, ['a', 'c']);
show('replacer function', { a: 1, b: [2, 3] }, function (k, v) { return typeof v === 'number' ? v * 10 : v; });
show('top-level values', [JSON.stringify(undefined), JSON.stringify(function () {}), JSON.stringify('s'), JSON.stringify(42), JSON.stringify(null)]);
show('object made with null prototype', Object.assign(Object.create(null), { z: 1, y: [2] }));
show('frozen', Object.freeze({ a: Object.freeze([1, 2]) }));
class K { constructor() { this.own = 1; } get proto() { return 2; } }
show('class instance', new K());
var big = {};
for (var j = 0; j < 300; j++) big['k' + j] = j % 3 ? 'v' + j : [j, { j: j }];
console.log('300 keys', JSON.stringify(big).length, JSON.stringify(big).slice(0, 60));
var mutated = { a: 1, b: { toJSON: function () { delete mutated.c; mutated.d = 'added'; return 'b'; } }, c: 3 };
show('toJSON that mutates its holder', mutated);
