// A script that replaces the global Symbol (as some polyfills do) before it first touches
// the lazily installed Web APIs: the library must use the real well-known symbols. (Node's
// own FormData breaks then; tests/js/test-webapi.c checks the library's.)
var realIterator = Symbol.iterator;
var sym = Symbol('desc');
var boxed = Object(sym);
Symbol.prototype.valueOf = function () { return Symbol('replaced'); };
globalThis.Symbol = undefined;

function iterable(values) {
  var o = {};
  o[realIterator] = function () {
    var i = 0;
    return { next: function () { return i < values.length ? { value: values[i++], done: false } : { value: undefined, done: true }; } };
  };
  return o;
}

console.log('description', boxed.description, sym.description);
console.log('URL', new URL('https://example.com/a?b=1').searchParams.get('b'));
console.log('URLSearchParams', new URLSearchParams(iterable([['x', '1'], ['y', '2']])).toString());
console.log('params iterable', typeof URLSearchParams.prototype[realIterator]);
console.log('tags', Object.prototype.toString.call(new TextEncoder()), Object.prototype.toString.call(new Event('e')),
  Object.prototype.toString.call(performance));
Promise.all(iterable([1, Promise.resolve(2), 3])).then(function (v) {
  console.log('Promise.all', JSON.stringify(v));
  return Promise.race(iterable([Promise.resolve('r')]));
}).then(function (v) {
  console.log('Promise.race', v);
  return new Blob(iterable(['a', 'b', 'c'])).text();
}).then(function (t) { console.log('Blob', t); });
console.log('AggregateError', new AggregateError(iterable(['e1', 'e2'])).errors.join());
console.log('Map', new Map(iterable([['k', 'v']])).get('k'), 'Set', new Set(iterable([1, 1, 2])).size);
console.log('Array.from', Array.from(iterable([3, 4])).join());
