// node >= 22
// ES2025 iterator helpers (Iterator.prototype.map ... find, Iterator.from, the Iterator
// constructor and its accessors), on every kind of iterator the runtime makes, with the
// closing of the underlying iterator each helper owes, compared with Node 22.
function* nat() { var i = 0; while (true) yield i++; }
function log(label, v) { console.log(label, JSON.stringify(v)); }
log('map/filter/take', nat().map(function (x) { return x * x; }).filter(function (x) { return x % 2; }).take(5).toArray());
log('drop', nat().drop(3).take(3).toArray());
log('flatMap', [1, 2, 3].values().flatMap(function (x) { return [x, x * 10]; }).toArray());
log('flatMap str', ['ab', 'cd'].values().flatMap(function (x) { return x[Symbol.iterator](); }).toArray());
log('reduce', [1, 2, 3, 4].values().reduce(function (a, b) { return a + b; }));
log('reduce init', [1, 2, 3, 4].values().reduce(function (a, b, i) { return a + b * i; }, 100));
try { [].values().reduce(function () {}); } catch (e) { log('reduce empty', e.name); }
var seen = []; [5, 6].values().forEach(function (v, i) { seen.push(v + ':' + i); }); log('forEach', seen);
log('some/every/find', [[1, 2, 3].values().some(function (x) { return x > 2; }), [1, 2, 3].values().every(function (x) { return x > 2; }), [1, 2, 3].values().find(function (x) { return x > 1; }), [1].values().find(function () { return false; })]);
log('map on Map', Array.from(new Map([['a', 1], ['b', 2]]).entries().map(function (e) { return e[0] + e[1]; })));
log('set', new Set([1, 2]).values().map(function (x) { return x + 1; }).toArray());
log('string', 'héllo'[Symbol.iterator]().filter(function (c) { return c !== 'l'; }).toArray());
log('matchAll', 'a1b2'.matchAll(/\d/g).map(function (m) { return m[0]; }).toArray());
log('from', Iterator.from({ next: function () { return { done: this.n > 2, value: this.n++ }; }, n: 0 }).toArray());
log('from iterable', Iterator.from([7, 8]).toArray());
log('from string', Iterator.from('xy').toArray());
try { Iterator.from(5); } catch (e) { log('from number', e.name); }
var arrIt = [1][Symbol.iterator](); log('from same', Iterator.from(arrIt) === arrIt);
log('proto', [typeof Iterator, Iterator.prototype === Object.getPrototypeOf(Object.getPrototypeOf([].values())), Iterator.name, Iterator.length, Iterator.from.length, Iterator.prototype.map.length, Iterator.prototype.reduce.length, Iterator.prototype.toArray.length]);
var IP = Iterator.prototype;
log('descriptors', ['map', 'filter', 'take', 'drop', 'flatMap', 'reduce', 'toArray', 'forEach', 'some', 'every', 'find'].map(function (n) { var d = Object.getOwnPropertyDescriptor(IP, n), l = Object.getOwnPropertyDescriptor(IP[n], 'length'); return [n, IP[n].name, d.writable, d.enumerable, d.configurable, l.value, l.writable, l.configurable].join(); }));
log('accessors', ['constructor', Symbol.toStringTag].map(function (k) { var d = Object.getOwnPropertyDescriptor(IP, k); return [typeof d.get, typeof d.set, d.enumerable, d.configurable].join(); }));
try { new Iterator(); } catch (e) { log('new Iterator', e.name); }
try { Iterator(); } catch (e) { log('Iterator()', e.name); }
class MyIt extends Iterator { constructor() { super(); this.i = 0; } next() { return this.i < 3 ? { value: this.i++, done: false } : { value: undefined, done: true }; } }
log('subclass', new MyIt().map(function (x) { return -x; }).toArray(), new MyIt() instanceof Iterator);
log('tags', [Object.prototype.toString.call([].values().map(function (x) { return x; })), Iterator.prototype[Symbol.toStringTag], Iterator.prototype.constructor === Iterator]);
// closing
function closable(n) {
  var log2 = [];
  var it = { i: 0, next: function () { log2.push('next'); return { value: this.i++, done: this.i > n }; }, return: function () { log2.push('return'); return {}; } };
  it.__proto__ = Iterator.prototype;
  return { it: it, log: log2 };
}
var c = closable(10); c.it.take(2).toArray(); log('take closes', c.log);
c = closable(10); var h = c.it.map(function (x) { return x; }); h.next(); h.return(); log('return closes', c.log);
c = closable(10); h = c.it.map(function (x) { return x; }); h.return(); log('return before start', c.log, h.next());
c = closable(10); try { c.it.map(function () { throw new Error('boom'); }).next(); } catch (e) { log('throw closes', [e.message, c.log]); }
c = closable(10); c.it.some(function (x) { return x === 1; }); log('some closes', c.log);
c = closable(10); log('find', [c.it.find(function (x) { return x === 2; }), c.log]);
c = closable(3); log('toArray no close', [c.it.toArray(), c.log]);
try { Iterator.prototype.take.call({ next: function () {} }, NaN); } catch (e) { log('take NaN', e.name); }
try { Iterator.prototype.take.call({ next: function () {} }, -1); } catch (e) { log('take -1', e.name); }
try { Iterator.prototype.map.call({ next: function () {} }, 1); } catch (e) { log('map non-fn', e.name); }
try { Iterator.prototype.map.call(1, function () {}); } catch (e) { log('map on prim', e.name); }
log('take Infinity', nat().take(Infinity).take(2).toArray());
var running = nat().map(function (x) { try { running.next(); } catch (e) { return e.name; } });
log('reentrant', running.next().value);
var fm = [1, 2].values().flatMap(function () { return closable(5).it; }); log('flatMap first', fm.next());
try { [1].values().flatMap(function () { return 1; }).next(); } catch (e) { log('flatMap prim', e.name); }
try { Iterator.prototype.constructor = 1; } catch (e) { log('set on proto', e.name); }
var sub = Object.create(Iterator.prototype); sub.constructor = 5; sub[Symbol.toStringTag] = 'T';
log('set on other', [sub.constructor, Object.prototype.hasOwnProperty.call(sub, 'constructor'), Object.prototype.toString.call(sub), Iterator.prototype.constructor === Iterator]);
log('web iterators', [new Headers({ a: '1', b: '2' }).keys().map(function (k) { return k.toUpperCase(); }).toArray(),
  new URLSearchParams('x=1&y=2').entries().map(function (e) { return e.join('='); }).toArray(),
  new FormData().entries() instanceof Iterator]);
Function.prototype.call = function () { throw new Error('replaced call'); };
log('after replacing call', [1, 2].values().map(function (x) { return x * 2; }).toArray());
