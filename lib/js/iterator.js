/* ES2025 iterator helpers (https://tc39.es/ecma262/#sec-iterator-objects) in ES5 for the
 * sandbox: Iterator.prototype.map, filter, take, drop, flatMap, reduce, toArray, forEach,
 * some, every and find, Iterator.from, and the objects they make (%IteratorHelperPrototype%,
 * %WrapForValidIteratorPrototype%). The file is one function expression that receives `N`,
 * the natives of lib/js/iterator.c, and returns the functions behind the methods, which
 * iterator.c installs on %IteratorPrototype% when a runtime is made; this module loads the
 * first time one of them is called (lib/js/embedded.c).
 *
 * A helper is the spec's generator written as a state machine: `step` runs until the next
 * value (or DONE), `close` is what a return() at the current yield does. Calls go through
 * N.call and the module reads no global, so a script that replaced Function.prototype.call
 * or a global changes nothing here. Internal slots are under the hidden key N.K. */
(function (N) {
'use strict';

var K = N.K;
var undef;
var DONE = {};

function TypeErr(m) { return N.typeError(m); }
function RangeErr(m) { return N.rangeError(m); }
function isObject(x) { return (typeof x === 'object' && x !== null) || typeof x === 'function'; }
function isCallable(x) { return typeof x === 'function'; }
function result(value, done) { return { value: value, done: done }; }

/* GetIteratorDirect */
function direct(obj) {
  if (!isObject(obj)) throw TypeErr('Iterator helper called on a non-object');
  return { iterator: obj, next: obj.next, done: false };
}

/* IteratorStepValue: the next value, or DONE. An error from next() or from reading the
 * result marks the record done (the iterator is then not closed). */
function stepValue(rec) {
  var r;
  try {
    r = N.call(rec.next, rec.iterator);
    if (!isObject(r)) throw TypeErr('Iterator result ' + r + ' is not an object');
    if (r.done) {
      rec.done = true;
      return DONE;
    }
    return r.value;
  } catch (e) {
    rec.done = true;
    throw e;
  }
}

/* IteratorClose with a normal completion: return() is called and must give an object. */
function close(rec) {
  var it = rec.iterator, ret = it['return'];
  if (ret === undef || ret === null) return;
  if (!isCallable(ret)) throw TypeErr('The iterator\'s return is not a function');
  var r = N.call(ret, it);
  if (!isObject(r)) throw TypeErr('Iterator result ' + r + ' is not an object');
}

/* IteratorClose with a throw completion: return() is called, and anything it does is
 * ignored in favour of the error being thrown. */
function closeQuietly(rec) {
  try {
    var ret = rec.iterator['return'];
    if (ret !== undef && ret !== null) N.call(ret, rec.iterator);
  } catch (e) {
    /* the original error wins */
  }
}

/* Call(fn, undefined, args) with IfAbruptCloseIterator */
function callClosing(rec, fn, a, b, c) {
  try {
    return N.call(fn, undef, a, b, c);
  } catch (e) {
    closeQuietly(rec);
    throw e;
  }
}

function toLimit(limit) {
  var n = +limit;
  if (n !== n) throw RangeErr(limit + ' must be a number');
  if (n !== Infinity && n !== -Infinity) n = n - n % 1;
  if (n < 0) throw RangeErr(limit + ' must be positive');
  return n;
}

/* ---- %IteratorHelperPrototype% ---- */

var helperProto = N.create(N.iterProto);

function helperState(o, what) {
  var s = isObject(o) ? o[K] : undef;
  if (!s || s.kind !== 'helper')
    throw TypeErr('Iterator Helper.prototype.' + what + ' called on an incompatible receiver');
  if (s.running) throw TypeErr('Generator is already running');
  return s;
}

function makeHelper(rec, step, closeAt) {
  var o = N.create(helperProto);
  o[K] = { kind: 'helper', rec: rec, step: step, close: closeAt || close, started: false,
           running: false, done: false };
  return o;
}

N.method(helperProto, 'next', function next() {
  var s = helperState(this, 'next');
  if (s.done) return result(undef, true);
  s.started = true;
  s.running = true;
  var v;
  try {
    v = s.step();
  } catch (e) {
    s.running = false;
    s.done = true;
    throw e;
  }
  s.running = false;
  if (v === DONE) {
    s.done = true;
    return result(undef, true);
  }
  return result(v, false);
}, 0);

N.method(helperProto, 'return', function () {
  var s = helperState(this, 'return');
  if (s.done) return result(undef, true);
  s.done = true;
  /* Not started: the underlying iterator is closed. At a yield: the return completion
   * closes what the helper is iterating (flatMap: the inner iterator, then the outer). */
  s.running = true;
  try {
    if (s.started) s.close(s.rec);
    else close(s.rec);
  } finally {
    s.running = false;
  }
  return result(undef, true);
}, 0);

N.tag(helperProto, 'Iterator Helper');

/* ---- Iterator.prototype methods ---- */

function map(self, mapper) {
  if (!isObject(self)) throw TypeErr('Iterator.prototype.map called on a non-object');
  if (!isCallable(mapper)) throw TypeErr(mapper + ' is not a function');
  var rec = direct(self), counter = 0;
  return makeHelper(rec, function () {
    var v = stepValue(rec);
    if (v === DONE) return DONE;
    return callClosing(rec, mapper, v, counter++);
  });
}

function filter(self, predicate) {
  if (!isObject(self)) throw TypeErr('Iterator.prototype.filter called on a non-object');
  if (!isCallable(predicate)) throw TypeErr(predicate + ' is not a function');
  var rec = direct(self), counter = 0;
  return makeHelper(rec, function () {
    for (;;) {
      var v = stepValue(rec);
      if (v === DONE) return DONE;
      if (callClosing(rec, predicate, v, counter++)) return v;
    }
  });
}

function take(self, limit) {
  if (!isObject(self)) throw TypeErr('Iterator.prototype.take called on a non-object');
  var remaining = toLimit(limit);
  var rec = direct(self);
  return makeHelper(rec, function () {
    if (remaining === 0) {
      close(rec);
      return DONE;
    }
    if (remaining !== Infinity) remaining--;
    return stepValue(rec);
  });
}

function drop(self, limit) {
  if (!isObject(self)) throw TypeErr('Iterator.prototype.drop called on a non-object');
  var remaining = toLimit(limit);
  var rec = direct(self);
  return makeHelper(rec, function () {
    while (remaining > 0) {
      if (remaining !== Infinity) remaining--;
      if (stepValue(rec) === DONE) return DONE;
    }
    return stepValue(rec);
  });
}

/* GetIteratorFlattenable: strings are iterated only when `strings` (Iterator.from). */
function flattenable(obj, strings) {
  if (!isObject(obj) && !(strings && typeof obj === 'string'))
    throw TypeErr(obj + ' is not an object');
  var method = obj[N.iterator], it;
  if (method === undef || method === null) {
    it = obj;
  } else {
    if (!isCallable(method)) throw TypeErr(obj + ' is not iterable');
    it = N.call(method, obj);
  }
  if (!isObject(it)) throw TypeErr(it + ' is not an object');
  return direct(it);
}

function flatMap(self, mapper) {
  if (!isObject(self)) throw TypeErr('Iterator.prototype.flatMap called on a non-object');
  if (!isCallable(mapper)) throw TypeErr(mapper + ' is not a function');
  var rec = direct(self), counter = 0, inner = null;
  return makeHelper(rec, function () {
    for (;;) {
      if (inner === null) {
        var v = stepValue(rec);
        if (v === DONE) return DONE;
        var mapped = callClosing(rec, mapper, v, counter++);
        try {
          inner = flattenable(mapped, false);
        } catch (e) {
          closeQuietly(rec);
          throw e;
        }
      }
      var w;
      try {
        w = stepValue(inner);
      } catch (e) {
        closeQuietly(rec);
        throw e;
      }
      if (w !== DONE) return w;
      inner = null;
    }
  }, function (r) {
    /* return() at a yield of the inner iterator: close it, then the outer one */
    if (inner !== null) {
      try {
        close(inner);
      } catch (e) {
        closeQuietly(r);
        throw e;
      }
    }
    close(r);
  });
}

function reduce(self, reducer, initialValue, haveInitial) {
  if (!isObject(self)) throw TypeErr('Iterator.prototype.reduce called on a non-object');
  if (!isCallable(reducer)) throw TypeErr(reducer + ' is not a function');
  var rec = direct(self), acc, counter;
  if (!haveInitial) {
    acc = stepValue(rec);
    if (acc === DONE) throw TypeErr('Reduce of empty iterator with no initial value');
    counter = 1;
  } else {
    acc = initialValue;
    counter = 0;
  }
  for (;;) {
    var v = stepValue(rec);
    if (v === DONE) return acc;
    acc = callClosing(rec, reducer, acc, v, counter++);
  }
}

function toArray(self) {
  if (!isObject(self)) throw TypeErr('Iterator.prototype.toArray called on a non-object');
  var rec = direct(self), out = [], n = 0;
  for (;;) {
    var v = stepValue(rec);
    if (v === DONE) return out;
    N.put(out, n++, v);
  }
}

function forEach(self, fn) {
  if (!isObject(self)) throw TypeErr('Iterator.prototype.forEach called on a non-object');
  if (!isCallable(fn)) throw TypeErr(fn + ' is not a function');
  var rec = direct(self), counter = 0;
  for (;;) {
    var v = stepValue(rec);
    if (v === DONE) return undef;
    callClosing(rec, fn, v, counter++);
  }
}

/* some (want true: stop on a truthy answer), every (stop on a falsy one), find */
function search(self, predicate, what) {
  if (!isObject(self)) throw TypeErr('Iterator.prototype.' + what + ' called on a non-object');
  if (!isCallable(predicate)) throw TypeErr(predicate + ' is not a function');
  var rec = direct(self), counter = 0;
  for (;;) {
    var v = stepValue(rec);
    if (v === DONE) return what === 'every' ? true : what === 'some' ? false : undef;
    var r = !!callClosing(rec, predicate, v, counter++);
    if (what === 'every' ? !r : r) {
      close(rec);
      return what === 'every' ? false : what === 'some' ? true : v;
    }
  }
}
function some(self, p) { return search(self, p, 'some'); }
function every(self, p) { return search(self, p, 'every'); }
function find(self, p) { return search(self, p, 'find'); }

/* ---- Iterator.from and %WrapForValidIteratorPrototype% ---- */

var wrapProto = N.create(N.iterProto);

function wrapped(o, what) {
  var s = isObject(o) ? o[K] : undef;
  if (!s || s.kind !== 'wrap')
    throw TypeErr('%WrapForValidIteratorPrototype%.' + what + ' called on an incompatible receiver');
  return s.rec;
}
N.method(wrapProto, 'next', function next() {
  var rec = wrapped(this, 'next');
  return N.call(rec.next, rec.iterator);
}, 0);
N.method(wrapProto, 'return', function () {
  var it = wrapped(this, 'return').iterator, ret = it['return'];
  if (ret === undef || ret === null) return result(undef, true);
  if (!isCallable(ret)) throw TypeErr('The iterator\'s return is not a function');
  return N.call(ret, it);
}, 0);

function from(o) {
  var rec = flattenable(o, true);
  if (N.isIterator(rec.iterator)) return rec.iterator;
  var w = N.create(wrapProto);
  w[K] = { kind: 'wrap', rec: rec };
  return w;
}

/* ---- Array.fromAsync (ES2024) ----
 * The spec's async closure as promise steps: an async iterable (Symbol.asyncIterator), else
 * a sync iterable whose values are awaited (CreateAsyncFromSyncIterator), else an array-like
 * whose elements are awaited; mapfn's results are awaited too. Errors after the iterator is
 * open close it (AsyncIteratorClose: return() is called and awaited, its outcome ignored)
 * before the promise rejects. `isCtor` says whether `C` (the this value) is a constructor. */
function fromAsync(C, isCtor, items, mapfn, thisArg) {
  var p = N.newPromise(), A, k = 0, rec = null, sync = false, mapping = mapfn !== undef;
  function fail(e) { N.reject(p, e); }
  function done(len) {
    try {
      A.length = len; /* Set(A, "length", len, true): strict code throws on failure */
    } catch (e) { return fail(e); }
    N.resolve(p, A);
  }
  function closeAndFail(e) { /* AsyncIteratorClose with a throw completion */
    var ret, r;
    try {
      ret = rec.iterator['return'];
      if (ret === undef || ret === null) return fail(e);
      r = N.call(ret, rec.iterator);
    } catch (x) { return fail(e); }
    N.react(N.resolved(r), function () { fail(e); }, function () { fail(e); });
  }
  function store(v) { /* CreateDataPropertyOrThrow(A, k, v), then the next step */
    try {
      N.put(A, '' + k, v);
    } catch (e) { return rec ? closeAndFail(e) : fail(e); }
    k++;
    if (rec) nextFromIterator(); else nextFromArrayLike();
  }
  function mapped(v) {
    if (!mapping) return store(v);
    var m;
    try {
      m = N.call(mapfn, thisArg, v, k);
    } catch (e) { return rec ? closeAndFail(e) : fail(e); }
    N.react(N.resolved(m), store, function (e) { return rec ? closeAndFail(e) : fail(e); });
  }
  function nextFromIterator() {
    var r;
    try {
      r = N.call(rec.next, rec.iterator);
    } catch (e) { return fail(e); }
    N.react(N.resolved(r), function (res) {
      var isDone, value;
      try {
        if (!isObject(res)) throw TypeErr('Iterator result ' + res + ' is not an object');
        isDone = !!res.done;
        if (!isDone) value = res.value;
      } catch (e) { return fail(e); }
      if (isDone) return done(k);
      if (!sync) return mapped(value);
      /* a sync iterator's value is awaited; if that rejects, the iterator is closed */
      N.react(N.resolved(value), mapped, closeAndFail);
    }, fail);
  }
  var arrayLike, len;
  function nextFromArrayLike() {
    if (k >= len) return done(len);
    var v;
    try {
      v = arrayLike[k];
    } catch (e) { return fail(e); }
    N.react(N.resolved(v), mapped, fail);
  }
  try {
    if (mapping && !isCallable(mapfn)) throw TypeErr(mapfn + ' is not a function');
    if (items === undef || items === null) throw TypeErr(items + ' is not iterable');
    var method = items[N.asyncIteratorSymbol];
    if (method === undef || method === null) {
      method = items[N.iteratorSymbol];
      sync = !(method === undef || method === null);
    }
    if (method !== undef && method !== null) {
      if (!isCallable(method)) throw TypeErr(method + ' is not a function');
      var it = N.call(method, items);
      if (!isObject(it)) throw TypeErr('Result of the iterator method is not an object');
      rec = { iterator: it, next: it.next };
      A = isCtor ? new C() : [];
      nextFromIterator();
    } else {
      arrayLike = N.toObject(items);
      len = N.lengthOf(arrayLike);
      A = isCtor ? new C(len) : N.newArray(len);
      nextFromArrayLike();
    }
  } catch (e) {
    fail(e);
  }
  return p;
}

return { map: map, filter: filter, take: take, drop: drop, flatMap: flatMap, reduce: reduce,
         toArray: toArray, forEach: forEach, some: some, every: every, find: find, from: from,
         fromAsync: fromAsync };
})
