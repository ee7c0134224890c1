// node >= 22
// Array.fromAsync (ES2024): async and sync iterables, array-likes, mapping, errors, closing.
// Each case settles before the next starts: the number of microtask turns it takes is not
// part of what is compared.
function name(e) { return e instanceof Error ? e.constructor.name : 'value ' + String(e); }
async function attempt(tag, make) {
  try {
    var a = await make();
    console.log(tag, JSON.stringify(a));
  } catch (e) {
    console.log(tag, 'rejected', name(e));
  }
}
async function* gen() { yield 1; yield Promise.resolve(2); yield 3; }
async function main() {
  console.log(typeof Array.fromAsync, Array.fromAsync.length, Array.fromAsync.name);
  await attempt('async gen', function () { return Array.fromAsync(gen()); });
  await attempt('sync iterable of promises', function () { return Array.fromAsync([1, Promise.resolve(2), 3]); });
  await attempt('array-like', function () { return Array.fromAsync({ length: 3, 0: 'a', 1: Promise.resolve('b'), 2: 'c' }); });
  await attempt('mapped', function () { return Array.fromAsync(new Set([4, 5]), function (x, i) { return Promise.resolve(x * 10 + i); }); });
  await attempt('thisArg', function () { return Array.fromAsync([1, 2], function (x) { return this.k + x; }, { k: 100 }); });
  await attempt('string', function () { return Array.fromAsync('h\u00e9llo'); });
  await attempt('empty', function () { return Array.fromAsync([]); });
  await attempt('null', function () { return Array.fromAsync(null); });
  await attempt('undefined', function () { return Array.fromAsync(); });
  await attempt('bad mapfn', function () { return Array.fromAsync([1], 5); });
  await attempt('rejected element', function () { return Array.fromAsync([Promise.reject(new RangeError('inner'))]); });
  await attempt('length getter', function () { return Array.fromAsync({ get length() { throw new SyntaxError('x'); } }); });
  await attempt('number', function () { return Array.fromAsync(3); });
  await attempt('array-like holes', function () { return Array.fromAsync({ length: 2 }); });

  var closed = [];
  var it = { i: 0, next: function () { return { value: this.i++, done: false }; }, return: function () { closed.push('closed'); return {}; } };
  var iterable = {}; iterable[Symbol.iterator] = function () { return it; };
  await attempt('mapfn throws', function () { return Array.fromAsync(iterable, function (x) { if (x === 2) throw new TypeError('stop'); return x; }); });
  console.log('sync iterator closed:', closed.join(','));

  var aclosed = 0;
  var ait = {};
  ait[Symbol.asyncIterator] = function () {
    return { n: 0, next: function () { return Promise.resolve({ value: this.n++, done: this.n > 5 }); },
             return: function () { aclosed++; return Promise.resolve({ done: true }); } };
  };
  await attempt('async iterable', function () { return Array.fromAsync(ait); });
  await attempt('async mapfn rejects', function () { return Array.fromAsync(ait, function (x) { return x === 1 ? Promise.reject(new EvalError('no 1')) : x; }); });
  console.log('async iterator closed', aclosed);

  var bad = {}; bad[Symbol.asyncIterator] = function () { return 1; };
  await attempt('iterator not an object', function () { return Array.fromAsync(bad); });
  var badNext = {}; badNext[Symbol.asyncIterator] = function () { return { next: function () { return 5; } }; };
  await attempt('result not an object', function () { return Array.fromAsync(badNext); });
  // (The standard does not close an iterator whose next() throws; V8 does. Not compared.)
  var throwingNext = {}; throwingNext[Symbol.asyncIterator] = function () { return { next: function () { throw new URIError('n'); } }; };
  await attempt('next throws', function () { return Array.fromAsync(throwingNext); });

  function MyCtor(n) { this.made = arguments.length ? 'with ' + n : 'empty'; }
  var a1 = await Array.fromAsync.call(MyCtor, [7, 8]);
  console.log('ctor iterable', a1 instanceof MyCtor, a1.made, a1.length, a1[0], a1[1]);
  var a2 = await Array.fromAsync.call(MyCtor, { length: 2, 0: 'x', 1: 'y' });
  console.log('ctor array-like', a2 instanceof MyCtor, a2.made, a2.length, a2[1]);
  var a3 = await Array.fromAsync.call(undefined, [1]);
  console.log('no ctor', Array.isArray(a3), a3.length);
  var a4 = await Array.fromAsync.call({}, [1]);
  console.log('plain object this', Array.isArray(a4));
  var p = Array.fromAsync([]);
  console.log('is promise', p instanceof Promise, Object.getPrototypeOf(p) === Promise.prototype);
  class Sub extends Array {}
  var a5 = await Sub.fromAsync([1, 2]);
  console.log('subclass', a5 instanceof Sub, a5.length);
}
main();
