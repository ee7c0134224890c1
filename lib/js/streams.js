/* WHATWG Streams (https://streams.spec.whatwg.org/) in ES5 for the sandbox. Compiled to
 * Duktape bytecode once per process (lib/js/streams.c) and loaded into a heap the first
 * time a script needs a stream. The file is one function expression that receives `N`, the
 * native helpers of streams.c, and returns the classes.
 *
 * Scripts run before this loads (the globals are lazy) and may have replaced anything on
 * the global object or the built-in prototypes, so the code below never reaches for a
 * global or a prototype method: promises, calls, errors and buffers go through N, lists are
 * linked nodes made from object literals (no Array.prototype), and the only property
 * accesses on script objects are the ones the specification makes.
 *
 * Internal slots live on a record kept under the hidden key N.K of each public object; a
 * record points back at its object with `o`. Algorithm names follow the specification. */
(function (N) {
'use strict';

var K = N.K;
var then = N.then;           /* then(p, f, r): PerformPromiseThen, returns the derived promise */
var react = N.react;         /* react(p, f, r): PerformPromiseThen without a derived promise */
var newPromise = N.newPromise;
var resolveP = N.resolve;    /* resolve(p, v): the first resolve/reject of p wins */
var rejectP = N.reject;
var resolved = N.resolved;   /* a promise resolved with v (PromiseResolve) */
var rejected = N.rejected;
var markHandled = N.markHandled;
var call = N.call;           /* call(f, thisArg, arg0, arg1) */
var TypeErr = N.typeError;
var RangeErr = N.rangeError;
var getter = N.getter;       /* getter(obj, name, fn) */
var className = N.className; /* className(ctor, proto, name) */
var undef;

function noop() {}
function isObject(x) { return (typeof x === 'object' && x !== null) || typeof x === 'function'; }

/* ---- linked lists ---- */

function List() { return { h: null, t: null, n: 0 }; }
function listPush(l, v, s) {
  var node = { v: v, s: s, x: null };
  if (l.t) l.t.x = node; else l.h = node;
  l.t = node;
  l.n++;
}
function listShift(l) {
  var node = l.h;
  l.h = node.x;
  if (!l.h) l.t = null;
  l.n--;
  return node;
}

/* ---- helpers ---- */

function promiseCall(f, thisArg, a, b) {
  try { return resolved(call(f, thisArg, a, b)); } catch (e) { return rejected(e); }
}
function resolvedUndef() { return resolved(undef); }
function setHandled(p) { markHandled(p); return p; }

function getMethod(dict, name, what) {
  var f = dict[name];
  if (f === undef || f === null) return undef;
  if (typeof f !== 'function') throw TypeErr(what + '.' + name + ' is not a function');
  return f;
}

/* QueuingStrategy dictionary conversion (WebIDL: highWaterMark, then size), done when the
 * arguments are converted, before the underlying source or sink is read. */
function readStrategy(strategy, what) {
  checkDict(strategy, what);
  if (strategy === undef || strategy === null) return { hwm: undef, size: undef };
  var h = strategy.highWaterMark;
  if (h !== undef) h = +h;
  var size = strategy.size;
  if (size !== undef && typeof size !== 'function') throw TypeErr(what + '.size is not a function');
  return { hwm: h, size: size };
}
/* ExtractHighWaterMark / ExtractSizeAlgorithm on a converted strategy. */
function extractHWM(st, dflt) {
  var h = st.hwm;
  if (h === undef) return dflt;
  if (h !== h || h < 0) throw RangeErr('highWaterMark must be a non-negative number');
  return h;
}
function extractSize(st) { return st.size; }
function checkDict(x, what) {
  if (x !== undef && x !== null && !isObject(x)) throw TypeErr(what + ' must be an object');
}

function brand(o, kind, what) {
  var r = isObject(o) ? o[K] : undef;
  if (!r || r.o !== o || r.kind !== kind) throw TypeErr('Illegal invocation: not a ' + what);
  return r;
}
function brandP(o, kind, what) { /* for methods returning promises */
  var r = isObject(o) ? o[K] : undef;
  if (!r || r.o !== o || r.kind !== kind) return null;
  return r;
}
function illegal(what) { return rejected(TypeErr('Illegal invocation: not a ' + what)); }
/* IsDetachedBuffer for the buffers streams see: a detached ArrayBuffer reads as length 0
 * (lib/duktape/detach.c), and every place the standard asks has already refused an empty
 * buffer or never holds one (a BYOB read needs a non-empty view, autoAllocateChunkSize > 0),
 * so length 0 means detached there. */
function isDetached(ab) { return N.abLength(ab) === 0; }
function isRecord(x, kind) {
  var r = isObject(x) ? x[K] : undef;
  return r && r.o === x && r.kind === kind ? r : null;
}

function enqueueValueWithSize(c, v, size) {
  size = +size;
  if (size !== size || size < 0 || size === 1 / 0) throw RangeErr('chunk size must be a finite, non-negative number');
  listPush(c.q, v, size);
  c.qsize += size;
}
function dequeueValue(c) {
  var node = listShift(c.q);
  c.qsize -= node.s;
  if (c.qsize < 0) c.qsize = 0;
  return node.v;
}
function resetQueue(c) { c.q = List(); c.qsize = 0; }

function makeIterResult(value, done) { return { value: value, done: done }; }

/* ============================ ReadableStream ============================ */

function initRS(o) {
  var s = { kind: 'RS', o: o, state: 'readable', reader: undef, storedError: undef,
            disturbed: false, controller: undef };
  o[K] = s;
  return s;
}

function ReadableStream(underlyingSource, strategy) {
  if (this === undef || this === null || !isObject(this) || this[K]) throw TypeErr("Constructor ReadableStream requires 'new'");
  if (underlyingSource === undef) underlyingSource = null;
  var st = readStrategy(strategy, 'strategy');
  checkDict(underlyingSource, 'underlyingSource');
  var src = underlyingSource || {};
  /* Dictionary members are read in lexicographic order, as WebIDL does. */
  var autoAllocate = src.autoAllocateChunkSize;
  var cancel = getMethod(src, 'cancel', 'underlyingSource');
  var pull = getMethod(src, 'pull', 'underlyingSource');
  var start = getMethod(src, 'start', 'underlyingSource');
  var type = src.type;
  var hwmSrc = st;
  var s = initRS(this);
  if (type !== undef) {
    type = '' + type;
    if (type !== 'bytes') throw TypeErr("Failed to construct 'ReadableStream': invalid type '" + type + "'");
    if (extractSize(hwmSrc) !== undef) throw RangeErr('The strategy for a byte stream cannot have a size function');
    var hwm = extractHWM(hwmSrc, 0);
    if (autoAllocate !== undef) {
      autoAllocate = +autoAllocate;
      if (autoAllocate !== autoAllocate || autoAllocate === 1 / 0 || autoAllocate === -1 / 0) throw TypeErr('autoAllocateChunkSize must be finite');
      autoAllocate = autoAllocate < 0 ? Math_ceil(autoAllocate) : Math_floor(autoAllocate);
      if (autoAllocate <= 0) throw TypeErr('autoAllocateChunkSize must be greater than 0');
    }
    setUpRBCFromSource(s, src, start, pull, cancel, hwm, autoAllocate);
  } else {
    var size = extractSize(hwmSrc);
    var hwm2 = extractHWM(hwmSrc, 1);
    setUpRSDCFromSource(s, src, start, pull, cancel, hwm2, size);
  }
}

function Math_floor(x) { var i = x % 1; return i === 0 ? x : (x > 0 ? x - i : x - i - 1); }
function Math_ceil(x) { return -Math_floor(-x); }
function min2(a, b) { return a < b ? a : b; }

var RSProto = ReadableStream.prototype;
getter(RSProto, 'locked', function () { return isRSLocked(brand(this, 'RS', 'ReadableStream')); });
RSProto.cancel = function cancel(reason) {
  var s = brandP(this, 'RS');
  if (!s) return illegal('ReadableStream');
  if (isRSLocked(s)) return rejected(TypeErr('Cannot cancel a locked ReadableStream'));
  return RSCancel(s, reason);
};
RSProto.getReader = function getReader(options) {
  var s = brand(this, 'RS', 'ReadableStream');
  checkDict(options, 'options');
  var mode = options ? options.mode : undef;
  if (mode === undef) return acquireDefaultReader(s).o;
  mode = '' + mode;
  if (mode !== 'byob') throw TypeErr("Invalid reader mode '" + mode + "'");
  return acquireBYOBReader(s).o;
};
RSProto.pipeThrough = function pipeThrough(transform, options) {
  var s = brand(this, 'RS', 'ReadableStream');
  if (!isObject(transform)) throw TypeErr('pipeThrough requires a {readable, writable} pair');
  var readable = transform.readable;
  var rs = isRecord(readable, 'RS');
  if (!rs) throw TypeErr('transform.readable is not a ReadableStream');
  var writable = transform.writable;
  var ws = isRecord(writable, 'WS');
  if (!ws) throw TypeErr('transform.writable is not a WritableStream');
  var opts = readPipeOptions(options);
  if (isRSLocked(s)) throw TypeErr('Cannot pipe a locked ReadableStream');
  if (isWSLocked(ws)) throw TypeErr('Cannot pipe to a locked WritableStream');
  var p = RSPipeTo(s, ws, opts.preventClose, opts.preventAbort, opts.preventCancel, opts.signal);
  markHandled(p);
  return readable;
};
RSProto.pipeTo = function pipeTo(destination, options) {
  var s = brandP(this, 'RS');
  if (!s) return illegal('ReadableStream');
  var ws = isRecord(destination, 'WS');
  if (!ws) return rejected(TypeErr('pipeTo destination is not a WritableStream'));
  var opts;
  try { opts = readPipeOptions(options); } catch (e) { return rejected(e); }
  if (isRSLocked(s)) return rejected(TypeErr('Cannot pipe a locked ReadableStream'));
  if (isWSLocked(ws)) return rejected(TypeErr('Cannot pipe to a locked WritableStream'));
  return RSPipeTo(s, ws, opts.preventClose, opts.preventAbort, opts.preventCancel, opts.signal);
};
RSProto.tee = function tee() {
  var s = brand(this, 'RS', 'ReadableStream');
  var branches = RSTee(s, false);
  return [branches[0].o, branches[1].o];
};
RSProto.values = function values(options) {
  var s = brand(this, 'RS', 'ReadableStream');
  checkDict(options, 'options');
  var preventCancel = options ? !!options.preventCancel : false;
  return makeAsyncIterator(s, preventCancel);
};
N.defineSymbolMethod(RSProto, N.asyncIterator, RSProto.values, '[Symbol.asyncIterator]');

function readPipeOptions(options) {
  checkDict(options, 'options');
  if (!options) return { preventAbort: false, preventCancel: false, preventClose: false, signal: undef };
  var preventAbort = !!options.preventAbort;
  var preventCancel = !!options.preventCancel;
  var preventClose = !!options.preventClose;
  var signal = options.signal;
  if (signal !== undef && !N.isAbortSignal(signal)) throw TypeErr('options.signal is not an AbortSignal');
  return { preventAbort: preventAbort, preventCancel: preventCancel, preventClose: preventClose, signal: signal };
}

/* ReadableStream.from(asyncIterable) */
function RSFrom(asyncIterable) {
  var iter = getIteratorAsync(asyncIterable);
  var o = new ReadableStream(undef, undef); /* replaced below: made as the spec's CreateReadableStream */
  var s = o[K];
  var c = s.controller;
  /* Swap in the pull and cancel algorithms that drive the iterator. */
  c.pullAlg = function () {
    var nextResult;
    try { nextResult = call(iter.next, iter.it); } catch (e) { return rejected(e); }
    var nextPromise = resolved(nextResult);
    return then(nextPromise, function (r) {
      if (!isObject(r)) throw TypeErr('The iterator result is not an object');
      if (r.done) { RSDCClose(c); return undef; }
      RSDCEnqueue(c, r.value);
      return undef;
    });
  };
  c.cancelAlg = function (reason) {
    var ret;
    try { ret = iter.it['return']; } catch (e) { return rejected(e); }
    if (ret === undef || ret === null) return resolvedUndef();
    var rr;
    try { rr = call(ret, iter.it, reason); } catch (e2) { return rejected(e2); }
    return then(resolved(rr), function (r) {
      if (!isObject(r)) throw TypeErr('The iterator.return() result is not an object');
      return undef;
    });
  };
  c.hwm = 0;
  return o;
}
N.defineMethod(ReadableStream, 'from', RSFrom, 1);

/* GetIterator(obj, async): @@asyncIterator, else a sync iterator wrapped
 * (CreateAsyncFromSyncIterator). */
function getIteratorAsync(obj) {
  if (obj === undef || obj === null) throw TypeErr('ReadableStream.from requires an iterable');
  var m = obj[N.asyncIterator];
  var sync = false;
  if (m === undef || m === null) {
    m = obj[N.iterator];
    sync = true;
  }
  if (typeof m !== 'function') throw TypeErr('ReadableStream.from requires an async iterable or an iterable');
  var it = call(m, obj);
  if (!isObject(it)) throw TypeErr('The iterator is not an object');
  var next = it.next;
  if (!sync) return { it: it, next: next };
  /* Async-from-sync: each result's value is awaited. */
  var wrapper = {
    next: function () {
      var r = call(next, it);
      if (!isObject(r)) throw TypeErr('The iterator result is not an object');
      var done = !!r.done;
      return then(resolved(r.value), function (v) { return makeIterResult(v, done); });
    },
    'return': function (v) {
      var ret = it['return'];
      if (ret === undef || ret === null) return resolved(makeIterResult(v, true));
      var r = call(ret, it, v);
      if (!isObject(r)) throw TypeErr('The iterator.return() result is not an object');
      var done = !!r.done;
      return then(resolved(r.value), function (x) { return makeIterResult(x, done); });
    }
  };
  return { it: wrapper, next: wrapper.next };
}

/* CreateReadableStream (no script-visible constructor call). */
function createRS(startAlg, pullAlg, cancelAlg, hwm, sizeAlg) {
  var o = N.create(RSProto);
  var s = initRS(o);
  var c = newRSDC();
  setUpRSDC(s, c, startAlg, pullAlg, cancelAlg, hwm === undef ? 1 : hwm, sizeAlg);
  return s;
}
function createByteRS(startAlg, pullAlg, cancelAlg, hwm) {
  var o = N.create(RSProto);
  var s = initRS(o);
  var c = newRBC();
  setUpRBC(s, c, startAlg, pullAlg, cancelAlg, hwm === undef ? 0 : hwm, undef);
  return s;
}

function isRSLocked(s) { return s.reader !== undef; }

function RSCancel(s, reason) {
  s.disturbed = true;
  if (s.state === 'closed') return resolvedUndef();
  if (s.state === 'errored') return rejected(s.storedError);
  RSClose(s);
  var reader = s.reader;
  if (reader !== undef && reader.kind === 'BR') {
    var reqs = reader.readIntoRequests;
    reader.readIntoRequests = List();
    while (reqs.n) listShift(reqs).v.close(undef);
  }
  var p = s.controller.cancelSteps(reason);
  return then(p, noop);
}

function RSClose(s) {
  s.state = 'closed';
  var reader = s.reader;
  if (reader === undef) return;
  resolveP(reader.closed, undef);
  if (reader.kind === 'DR') {
    var reqs = reader.readRequests;
    reader.readRequests = List();
    while (reqs.n) listShift(reqs).v.close();
  }
}

function RSError(s, e) {
  s.state = 'errored';
  s.storedError = e;
  var reader = s.reader;
  if (reader === undef) return;
  rejectP(reader.closed, e);
  markHandled(reader.closed);
  if (reader.kind === 'DR') readerErrorReadRequests(reader, e);
  else readerErrorReadIntoRequests(reader, e);
}

function RSAddReadRequest(s, req) { listPush(s.reader.readRequests, req, 0); }
function RSAddReadIntoRequest(s, req) { listPush(s.reader.readIntoRequests, req, 0); }
function RSFulfillReadRequest(s, chunk, done) {
  var req = listShift(s.reader.readRequests).v;
  if (done) req.close(); else req.chunk(chunk);
}
function RSFulfillReadIntoRequest(s, chunk, done) {
  var req = listShift(s.reader.readIntoRequests).v;
  if (done) req.close(chunk); else req.chunk(chunk);
}
function RSNumReadRequests(s) { return s.reader.readRequests.n; }
function RSNumReadIntoRequests(s) { return s.reader.readIntoRequests.n; }
function RSHasDefaultReader(s) { return s.reader !== undef && s.reader.kind === 'DR'; }
function RSHasBYOBReader(s) { return s.reader !== undef && s.reader.kind === 'BR'; }

/* ---- readers ---- */

function readerGenericInitialize(r, s) {
  r.stream = s;
  s.reader = r;
  r.closed = newPromise();
  if (s.state === 'closed') resolveP(r.closed, undef);
  else if (s.state === 'errored') { rejectP(r.closed, s.storedError); markHandled(r.closed); }
}
function readerGenericCancel(r, reason) { return RSCancel(r.stream, reason); }
function readerGenericRelease(r) {
  var s = r.stream;
  var e = TypeErr('Reader was released');
  if (s.state === 'readable') rejectP(r.closed, e);
  else { r.closed = newPromise(); rejectP(r.closed, e); }
  markHandled(r.closed);
  s.controller.releaseSteps();
  s.reader = undef;
  r.stream = undef;
}
function readerErrorReadRequests(r, e) {
  var reqs = r.readRequests;
  r.readRequests = List();
  while (reqs.n) listShift(reqs).v.error(e);
}
function readerErrorReadIntoRequests(r, e) {
  var reqs = r.readIntoRequests;
  r.readIntoRequests = List();
  while (reqs.n) listShift(reqs).v.error(e);
}

function newDefaultReaderRecord(o) {
  var r = { kind: 'DR', o: o, stream: undef, closed: undef, readRequests: List() };
  o[K] = r;
  return r;
}
function setUpDefaultReader(r, s) {
  if (isRSLocked(s)) throw TypeErr('ReadableStream is locked');
  readerGenericInitialize(r, s);
  r.readRequests = List();
}
function acquireDefaultReader(s) {
  var r = newDefaultReaderRecord(N.create(DRProto));
  setUpDefaultReader(r, s);
  return r;
}
function ReadableStreamDefaultReader(stream) {
  if (this === undef || !isObject(this) || this[K]) throw TypeErr("Constructor ReadableStreamDefaultReader requires 'new'");
  var s = isRecord(stream, 'RS');
  if (!s) throw TypeErr('ReadableStreamDefaultReader needs a ReadableStream');
  setUpDefaultReader(newDefaultReaderRecord(this), s);
}
var DRProto = ReadableStreamDefaultReader.prototype;
getter(DRProto, 'closed', function () {
  var r = brandP(this, 'DR');
  return r ? r.closed : illegal('ReadableStreamDefaultReader');
});
DRProto.cancel = function cancel(reason) {
  var r = brandP(this, 'DR');
  if (!r) return illegal('ReadableStreamDefaultReader');
  if (r.stream === undef) return rejected(TypeErr('The reader has no stream'));
  return readerGenericCancel(r, reason);
};
/* A read request that settles a promise: one object per read, its steps shared. */
function PromiseReadRequest(p) { this.p = p; }
PromiseReadRequest.prototype.chunk = function (c) { resolveP(this.p, makeIterResult(c, false)); };
PromiseReadRequest.prototype.close = function (c) { resolveP(this.p, makeIterResult(c, true)); };
PromiseReadRequest.prototype.error = function (e) { rejectP(this.p, e); };
DRProto.read = function read() {
  var r = brandP(this, 'DR');
  if (!r) return illegal('ReadableStreamDefaultReader');
  if (r.stream === undef) return rejected(TypeErr('The reader has no stream'));
  var p = newPromise();
  defaultReaderRead(r, new PromiseReadRequest(p));
  return p;
};
DRProto.releaseLock = function releaseLock() {
  var r = brand(this, 'DR', 'ReadableStreamDefaultReader');
  if (r.stream === undef) return;
  defaultReaderRelease(r);
};
function defaultReaderRead(r, req) {
  var s = r.stream;
  s.disturbed = true;
  if (s.state === 'closed') req.close();
  else if (s.state === 'errored') req.error(s.storedError);
  else s.controller.pullSteps(req);
}
function defaultReaderRelease(r) {
  readerGenericRelease(r);
  readerErrorReadRequests(r, TypeErr('Reader was released'));
}

function newBYOBReaderRecord(o) {
  var r = { kind: 'BR', o: o, stream: undef, closed: undef, readIntoRequests: List() };
  o[K] = r;
  return r;
}
function setUpBYOBReader(r, s) {
  if (isRSLocked(s)) throw TypeErr('ReadableStream is locked');
  if (s.controller.kind !== 'RBC') throw TypeErr('A BYOB reader needs a byte stream');
  readerGenericInitialize(r, s);
  r.readIntoRequests = List();
}
function acquireBYOBReader(s) {
  var r = newBYOBReaderRecord(N.create(BRProto));
  setUpBYOBReader(r, s);
  return r;
}
function ReadableStreamBYOBReader(stream) {
  if (this === undef || !isObject(this) || this[K]) throw TypeErr("Constructor ReadableStreamBYOBReader requires 'new'");
  var s = isRecord(stream, 'RS');
  if (!s) throw TypeErr('ReadableStreamBYOBReader needs a ReadableStream');
  setUpBYOBReader(newBYOBReaderRecord(this), s);
}
var BRProto = ReadableStreamBYOBReader.prototype;
getter(BRProto, 'closed', function () {
  var r = brandP(this, 'BR');
  return r ? r.closed : illegal('ReadableStreamBYOBReader');
});
BRProto.cancel = function cancel(reason) {
  var r = brandP(this, 'BR');
  if (!r) return illegal('ReadableStreamBYOBReader');
  if (r.stream === undef) return rejected(TypeErr('The reader has no stream'));
  return readerGenericCancel(r, reason);
};
BRProto.read = function read(view, options) {
  var r = brandP(this, 'BR');
  if (!r) return illegal('ReadableStreamBYOBReader');
  var vt = N.viewType(view);
  if (vt < 0) return rejected(TypeErr('read() needs an ArrayBufferView'));
  var byteLength = view.byteLength;
  if (byteLength === 0) return rejected(TypeErr('read() needs a non-empty view'));
  if (N.abLength(view.buffer) === 0) return rejected(TypeErr("read() needs a view on a non-empty buffer"));
  var min = 1;
  try {
    checkDict(options, 'options');
    if (options && options.min !== undef) {
      min = +options.min;
      if (min !== min || min === 1 / 0) throw TypeErr('options.min must be finite');
      min = Math_floor(min);
    }
  } catch (e) { return rejected(e); }
  if (min === 0) return rejected(TypeErr('options.min must be greater than 0'));
  var elemLen = vt === 0 ? byteLength : view.length;
  if (vt !== 0) { if (min > elemLen) return rejected(RangeErr('options.min is greater than the view length')); }
  else if (min > byteLength) return rejected(RangeErr('options.min is greater than the view byteLength'));
  if (r.stream === undef) return rejected(TypeErr('The reader has no stream'));
  var p = newPromise();
  byobReaderRead(r, view, vt, min, {
    chunk: function (c) { resolveP(p, makeIterResult(c, false)); },
    close: function (c) { resolveP(p, makeIterResult(c, true)); },
    error: function (e) { rejectP(p, e); }
  });
  return p;
};
BRProto.releaseLock = function releaseLock() {
  var r = brand(this, 'BR', 'ReadableStreamBYOBReader');
  if (r.stream === undef) return;
  readerGenericRelease(r);
  readerErrorReadIntoRequests(r, TypeErr('Reader was released'));
};
function byobReaderRead(r, view, vt, min, req) {
  var s = r.stream;
  s.disturbed = true;
  if (s.state === 'errored') req.error(s.storedError);
  else RBCPullInto(s.controller, view, vt, min, req);
}

/* ---- ReadableStreamDefaultController ---- */

function newRSDC() {
  var o = N.create(RSDCProto);
  var c = { kind: 'RSDC', o: o, stream: undef, q: List(), qsize: 0, started: false,
            closeRequested: false, pullAgain: false, pulling: false, sizeAlg: undef, hwm: 1,
            pullAlg: undef, cancelAlg: undef, onPulled: undef, onPullFailed: undef };
  o[K] = c;
  c.cancelSteps = function (reason) {
    resetQueue(c);
    var result = c.cancelAlg(reason);
    RSDCClearAlgorithms(c);
    return result;
  };
  c.pullSteps = function (req) {
    var s = c.stream;
    if (c.q.n > 0) {
      var chunk = dequeueValue(c);
      if (c.closeRequested && c.q.n === 0) { RSDCClearAlgorithms(c); RSClose(s); }
      else RSDCCallPullIfNeeded(c);
      req.chunk(chunk);
    } else {
      RSAddReadRequest(s, req);
      RSDCCallPullIfNeeded(c);
    }
  };
  c.releaseSteps = noop;
  return c;
}
function ReadableStreamDefaultController() { throw TypeErr('Illegal constructor'); }
var RSDCProto = ReadableStreamDefaultController.prototype;
getter(RSDCProto, 'desiredSize', function () {
  return RSDCGetDesiredSize(brand(this, 'RSDC', 'ReadableStreamDefaultController'));
});
RSDCProto.close = function close() {
  var c = brand(this, 'RSDC', 'ReadableStreamDefaultController');
  if (!RSDCCanCloseOrEnqueue(c)) throw TypeErr('The stream is not in a state that permits close');
  RSDCClose(c);
};
RSDCProto.enqueue = function enqueue(chunk) {
  var c = brand(this, 'RSDC', 'ReadableStreamDefaultController');
  if (!RSDCCanCloseOrEnqueue(c)) throw TypeErr('The stream is not in a state that permits enqueue');
  RSDCEnqueue(c, chunk);
};
RSDCProto.error = function error(e) {
  RSDCError(brand(this, 'RSDC', 'ReadableStreamDefaultController'), e);
};

function RSDCCallPullIfNeeded(c) {
  if (!RSDCShouldCallPull(c)) return;
  if (c.pulling) { c.pullAgain = true; return; }
  c.pulling = true;
  if (!c.onPulled) {
    /* Made once per controller: a pull per chunk must not allocate two closures. */
    c.onPulled = function () {
      c.pulling = false;
      if (c.pullAgain) { c.pullAgain = false; RSDCCallPullIfNeeded(c); }
    };
    c.onPullFailed = function (e) { RSDCError(c, e); };
  }
  react(c.pullAlg(), c.onPulled, c.onPullFailed);
}
function RSDCShouldCallPull(c) {
  var s = c.stream;
  if (!RSDCCanCloseOrEnqueue(c)) return false;
  if (!c.started) return false;
  if (isRSLocked(s) && RSHasDefaultReader(s) && RSNumReadRequests(s) > 0) return true;
  return RSDCGetDesiredSize(c) > 0;
}
function RSDCClearAlgorithms(c) { c.pullAlg = undef; c.cancelAlg = undef; c.sizeAlg = undef; }
function RSDCClose(c) {
  if (!RSDCCanCloseOrEnqueue(c)) return;
  c.closeRequested = true;
  if (c.q.n === 0) { RSDCClearAlgorithms(c); RSClose(c.stream); }
}
function RSDCEnqueue(c, chunk) {
  if (!RSDCCanCloseOrEnqueue(c)) return;
  var s = c.stream;
  if (isRSLocked(s) && RSHasDefaultReader(s) && RSNumReadRequests(s) > 0) {
    RSFulfillReadRequest(s, chunk, false);
  } else {
    var size = 1;
    if (c.sizeAlg !== undef) {
      try { size = call(c.sizeAlg, undef, chunk); }
      catch (e) { RSDCError(c, e); throw e; }
    }
    try { enqueueValueWithSize(c, chunk, size); }
    catch (e2) { RSDCError(c, e2); throw e2; }
  }
  RSDCCallPullIfNeeded(c);
}
function RSDCError(c, e) {
  var s = c.stream;
  if (s.state !== 'readable') return;
  resetQueue(c);
  RSDCClearAlgorithms(c);
  RSError(s, e);
}
function RSDCGetDesiredSize(c) {
  var st = c.stream.state;
  if (st === 'errored') return null;
  if (st === 'closed') return 0;
  return c.hwm - c.qsize;
}
function RSDCHasBackpressure(c) { return !RSDCShouldCallPull(c); }
function RSDCCanCloseOrEnqueue(c) { return !c.closeRequested && c.stream.state === 'readable'; }

function setUpRSDC(s, c, startAlg, pullAlg, cancelAlg, hwm, sizeAlg) {
  c.stream = s;
  resetQueue(c);
  c.started = c.closeRequested = c.pullAgain = c.pulling = false;
  c.sizeAlg = sizeAlg;
  c.hwm = hwm;
  c.pullAlg = pullAlg;
  c.cancelAlg = cancelAlg;
  s.controller = c;
  var startResult = startAlg();
  react(resolved(startResult), function () {
    c.started = true;
    RSDCCallPullIfNeeded(c);
  }, function (r) { RSDCError(c, r); });
}
function setUpRSDCFromSource(s, src, start, pull, cancel, hwm, size) {
  var c = newRSDC();
  var startAlg = start ? function () { return call(start, src, c.o); } : noop;
  var pullAlg = pull ? function () { return promiseCall(pull, src, c.o); } : resolvedUndef;
  var cancelAlg = cancel ? function (r) { return promiseCall(cancel, src, r); } : resolvedUndef;
  setUpRSDC(s, c, startAlg, pullAlg, cancelAlg, hwm, size);
}

/* ---- ReadableByteStreamController ---- */

function newRBC() {
  var o = N.create(RBCProto);
  var c = { kind: 'RBC', o: o, stream: undef, q: List(), qsize: 0, started: false,
            closeRequested: false, pullAgain: false, pulling: false, hwm: 0,
            pullAlg: undef, cancelAlg: undef, autoAllocate: undef, byobRequest: null,
            pending: List(), onPulled: undef, onPullFailed: undef };
  o[K] = c;
  c.cancelSteps = function (reason) {
    RBCClearPendingPullIntos(c);
    resetQueue(c);
    var result = c.cancelAlg(reason);
    RBCClearAlgorithms(c);
    return result;
  };
  c.pullSteps = function (req) {
    var s = c.stream;
    if (c.qsize > 0) {
      RBCFillReadRequestFromQueue(c, req);
      return;
    }
    var aa = c.autoAllocate;
    if (aa !== undef) {
      var buffer;
      try { buffer = N.newAB(aa); } catch (e) { req.error(e); return; }
      listPush(c.pending, { buffer: buffer, bufferByteLength: aa, byteOffset: 0, byteLength: aa,
                            bytesFilled: 0, minimumFill: 1, elementSize: 1, viewType: 1,
                            readerType: 'default' }, 0);
    }
    RSAddReadRequest(s, req);
    RBCCallPullIfNeeded(c);
  };
  c.releaseSteps = function () {
    if (c.pending.n > 0) {
      var first = c.pending.h.v;
      first.readerType = 'none';
      c.pending = List();
      listPush(c.pending, first, 0);
    }
  };
  return c;
}
function ReadableByteStreamController() { throw TypeErr('Illegal constructor'); }
var RBCProto = ReadableByteStreamController.prototype;
getter(RBCProto, 'byobRequest', function () {
  return RBCGetBYOBRequest(brand(this, 'RBC', 'ReadableByteStreamController'));
});
getter(RBCProto, 'desiredSize', function () {
  return RBCGetDesiredSize(brand(this, 'RBC', 'ReadableByteStreamController'));
});
RBCProto.close = function close() {
  var c = brand(this, 'RBC', 'ReadableByteStreamController');
  if (c.closeRequested) throw TypeErr('The stream is already closing');
  if (c.stream.state !== 'readable') throw TypeErr('The stream is not readable');
  RBCClose(c);
};
RBCProto.enqueue = function enqueue(chunk) {
  var c = brand(this, 'RBC', 'ReadableByteStreamController');
  var vt = N.viewType(chunk);
  if (vt < 0) throw TypeErr('enqueue() needs an ArrayBufferView');
  if (chunk.byteLength === 0) throw TypeErr('Cannot enqueue an empty view');
  if (N.abLength(chunk.buffer) === 0) throw TypeErr('Cannot enqueue a view on an empty buffer');
  if (c.closeRequested) throw TypeErr('The stream is closing');
  if (c.stream.state !== 'readable') throw TypeErr('The stream is not readable');
  RBCEnqueue(c, chunk, false);
};
RBCProto.error = function error(e) {
  RBCError(brand(this, 'RBC', 'ReadableByteStreamController'), e);
};

function ReadableStreamBYOBRequest() { throw TypeErr('Illegal constructor'); }
var BYOBReqProto = ReadableStreamBYOBRequest.prototype;
getter(BYOBReqProto, 'view', function () {
  return brand(this, 'BYOBReq', 'ReadableStreamBYOBRequest').view;
});
BYOBReqProto.respond = function respond(bytesWritten) {
  var r = brand(this, 'BYOBReq', 'ReadableStreamBYOBRequest');
  bytesWritten = +bytesWritten;
  if (bytesWritten !== bytesWritten || bytesWritten < 0 || bytesWritten === 1 / 0) throw TypeErr('bytesWritten must be a non-negative integer');
  bytesWritten = Math_floor(bytesWritten);
  if (r.controller === undef) throw TypeErr('This BYOB request has been invalidated');
  if (isDetached(r.view.buffer)) throw TypeErr("The BYOB request's buffer has been detached");
  RBCRespond(r.controller, bytesWritten);
};
BYOBReqProto.respondWithNewView = function respondWithNewView(view) {
  var r = brand(this, 'BYOBReq', 'ReadableStreamBYOBRequest');
  if (N.viewType(view) < 0) throw TypeErr('respondWithNewView() needs an ArrayBufferView');
  if (r.controller === undef) throw TypeErr('This BYOB request has been invalidated');
  if (isDetached(view.buffer)) throw TypeErr("The given view's buffer has been detached");
  RBCRespondWithNewView(r.controller, view);
};

function RBCGetBYOBRequest(c) {
  if (c.byobRequest === null && c.pending.n > 0) {
    var d = c.pending.h.v;
    var view = N.makeView(1, d.buffer, d.byteOffset + d.bytesFilled, d.byteLength - d.bytesFilled);
    d.exposed = true; /* a script holds a view on d.buffer: transfers are now observable */
    var o = N.create(BYOBReqProto);
    var r = { kind: 'BYOBReq', o: o, controller: c, view: view };
    o[K] = r;
    c.byobRequest = r;
  }
  return c.byobRequest === null ? null : c.byobRequest.o;
}
function RBCGetDesiredSize(c) {
  var st = c.stream.state;
  if (st === 'errored') return null;
  if (st === 'closed') return 0;
  return c.hwm - c.qsize;
}
function RBCInvalidateBYOBRequest(c) {
  if (c.byobRequest === null) return;
  c.byobRequest.controller = undef;
  c.byobRequest.view = null;
  c.byobRequest = null;
}
function RBCClearPendingPullIntos(c) { RBCInvalidateBYOBRequest(c); c.pending = List(); }
function RBCClearAlgorithms(c) { c.pullAlg = undef; c.cancelAlg = undef; }
function RBCShouldCallPull(c) {
  var s = c.stream;
  if (s.state !== 'readable' || c.closeRequested || !c.started) return false;
  if (RSHasDefaultReader(s) && RSNumReadRequests(s) > 0) return true;
  if (RSHasBYOBReader(s) && RSNumReadIntoRequests(s) > 0) return true;
  return RBCGetDesiredSize(c) > 0;
}
function RBCCallPullIfNeeded(c) {
  if (!RBCShouldCallPull(c)) return;
  if (c.pulling) { c.pullAgain = true; return; }
  c.pulling = true;
  if (!c.onPulled) {
    c.onPulled = function () {
      c.pulling = false;
      if (c.pullAgain) { c.pullAgain = false; RBCCallPullIfNeeded(c); }
    };
    c.onPullFailed = function (e) { RBCError(c, e); };
  }
  react(c.pullAlg(), c.onPulled, c.onPullFailed);
}
function RBCClose(c) {
  var s = c.stream;
  if (c.closeRequested || s.state !== 'readable') return;
  if (c.qsize > 0) { c.closeRequested = true; return; }
  if (c.pending.n > 0) {
    var first = c.pending.h.v;
    if (first.bytesFilled % first.elementSize !== 0) {
      var e = TypeErr('Insufficient bytes to fill elements in the given buffer');
      RBCError(c, e);
      throw e;
    }
  }
  RBCClearAlgorithms(c);
  RSClose(s);
}
function RBCError(c, e) {
  var s = c.stream;
  if (s.state !== 'readable') return;
  RBCClearPendingPullIntos(c);
  resetQueue(c);
  RBCClearAlgorithms(c);
  RSError(s, e);
}
function RBCEnqueueChunkToQueue(c, buffer, byteOffset, byteLength) {
  listPush(c.q, { buffer: buffer, byteOffset: byteOffset, byteLength: byteLength }, byteLength);
  c.qsize += byteLength;
}
function RBCEnqueueClonedChunkToQueue(c, buffer, byteOffset, byteLength) {
  var clone;
  try { clone = N.sliceAB(buffer, byteOffset, byteLength); }
  catch (e) { RBCError(c, e); throw e; }
  RBCEnqueueChunkToQueue(c, clone, 0, byteLength);
}
function RBCEnqueueDetachedPullIntoToQueue(c, d) {
  if (d.bytesFilled > 0) RBCEnqueueClonedChunkToQueue(c, d.buffer, d.byteOffset, d.bytesFilled);
  RBCShiftPendingPullInto(c);
}
function RBCShiftPendingPullInto(c) { return listShift(c.pending).v; }
/* internal: the chunk was made by this file or by native code and no script holds it, so
 * the standard's transfer of its buffer is unobservable and skipped (the host-fed bodies
 * and tee() enqueue this way, without a copy). A script's chunk is transferred: its
 * buffer is detached, and the stream keeps the bytes. */
function RBCEnqueue(c, chunk, internal) {
  var s = c.stream;
  if (c.closeRequested || s.state !== 'readable') return;
  var byteOffset = chunk.byteOffset, byteLength = chunk.byteLength;
  var buffer = chunk.buffer;
  if (!internal) {
    if (isDetached(buffer)) throw TypeErr("The chunk's buffer has been detached");
    buffer = N.transferAB(buffer, chunk);
  }
  if (c.pending.n > 0) {
    var first = c.pending.h.v;
    if (isDetached(first.buffer)) throw TypeErr("The BYOB request's buffer has been detached");
    var exposedView = c.byobRequest !== null ? c.byobRequest.view : undef;
    RBCInvalidateBYOBRequest(c);
    /* TransferArrayBuffer(first.buffer): only a script that was given byobRequest.view can
     * tell, so only then is it done (it detaches that view). */
    if (first.exposed) { first.buffer = N.transferAB(first.buffer, exposedView); first.exposed = false; }
    if (first.readerType === 'none') RBCEnqueueDetachedPullIntoToQueue(c, first);
  }
  if (RSHasDefaultReader(s)) {
    RBCProcessReadRequestsUsingQueue(c);
    if (RSNumReadRequests(s) === 0) {
      RBCEnqueueChunkToQueue(c, buffer, byteOffset, byteLength);
    } else {
      if (c.pending.n > 0) RBCShiftPendingPullInto(c);
      RSFulfillReadRequest(s, N.makeView(1, buffer, byteOffset, byteLength), false);
    }
  } else if (RSHasBYOBReader(s)) {
    RBCEnqueueChunkToQueue(c, buffer, byteOffset, byteLength);
    var filled = RBCProcessPullIntoDescriptorsUsingQueue(c);
    while (filled.n) RBCCommitPullIntoDescriptor(s, listShift(filled).v);
  } else {
    RBCEnqueueChunkToQueue(c, buffer, byteOffset, byteLength);
  }
  RBCCallPullIfNeeded(c);
}
function RBCFillReadRequestFromQueue(c, req) {
  var e = listShift(c.q).v;
  c.qsize -= e.byteLength;
  RBCHandleQueueDrain(c);
  req.chunk(N.makeView(1, e.buffer, e.byteOffset, e.byteLength));
}
function RBCProcessReadRequestsUsingQueue(c) {
  var reader = c.stream.reader;
  while (reader.readRequests.n > 0) {
    if (c.qsize === 0) return;
    var req = listShift(reader.readRequests).v;
    RBCFillReadRequestFromQueue(c, req);
  }
}
function RBCHandleQueueDrain(c) {
  if (c.qsize === 0 && c.closeRequested) { RBCClearAlgorithms(c); RSClose(c.stream); }
  else RBCCallPullIfNeeded(c);
}
function RBCFillPullIntoDescriptorFromQueue(c, d) {
  var maxBytesToCopy = min2(c.qsize, d.byteLength - d.bytesFilled);
  var maxBytesFilled = d.bytesFilled + maxBytesToCopy;
  var totalBytesToCopyRemaining = maxBytesToCopy;
  var ready = false;
  var remainderBytes = maxBytesFilled % d.elementSize;
  var maxAlignedBytes = maxBytesFilled - remainderBytes;
  if (maxAlignedBytes >= d.minimumFill) {
    totalBytesToCopyRemaining = maxAlignedBytes - d.bytesFilled;
    ready = true;
  }
  var q = c.q;
  while (totalBytesToCopyRemaining > 0) {
    var head = q.h.v;
    var bytesToCopy = min2(totalBytesToCopyRemaining, head.byteLength);
    var destStart = d.byteOffset + d.bytesFilled;
    N.copy(d.buffer, destStart, head.buffer, head.byteOffset, bytesToCopy);
    if (head.byteLength === bytesToCopy) listShift(q);
    else { head.byteOffset += bytesToCopy; head.byteLength -= bytesToCopy; }
    c.qsize -= bytesToCopy;
    RBCFillHeadPullIntoDescriptor(c, bytesToCopy, d);
    totalBytesToCopyRemaining -= bytesToCopy;
  }
  return ready;
}
function RBCFillHeadPullIntoDescriptor(c, size, d) { d.bytesFilled += size; }
function RBCProcessPullIntoDescriptorsUsingQueue(c) {
  var filled = List();
  while (c.pending.n > 0) {
    if (c.qsize === 0) break;
    var d = c.pending.h.v;
    if (RBCFillPullIntoDescriptorFromQueue(c, d)) {
      RBCShiftPendingPullInto(c);
      listPush(filled, d, 0);
    }
  }
  return filled;
}
function RBCConvertPullIntoDescriptor(d) {
  var elements = (d.bytesFilled - d.bytesFilled % d.elementSize) / d.elementSize;
  return N.makeView(d.viewType, d.buffer, d.byteOffset, elements * d.elementSize);
}
function RBCCommitPullIntoDescriptor(s, d) {
  var done = false;
  if (s.state === 'closed') done = true;
  var filledView = RBCConvertPullIntoDescriptor(d);
  if (d.readerType === 'default') RSFulfillReadRequest(s, filledView, done);
  else RSFulfillReadIntoRequest(s, filledView, done);
}
function RBCPullInto(c, view, vt, min, req) {
  var s = c.stream;
  var elementSize = vt === 0 ? 1 : view.BYTES_PER_ELEMENT;
  var minimumFill = min * elementSize;
  var byteOffset = view.byteOffset, byteLength = view.byteLength;
  var buffer;
  /* TransferArrayBuffer: the caller's view and its buffer are detached; the result is a
   * new view on the bytes, the caller's own included. */
  try { buffer = N.transferAB(view.buffer, view); } catch (e) { req.error(e); return; }
  var d = { buffer: buffer, bufferByteLength: N.abLength(buffer), byteOffset: byteOffset,
            byteLength: byteLength, bytesFilled: 0, minimumFill: minimumFill,
            elementSize: elementSize, viewType: vt, readerType: 'byob' };
  if (c.pending.n > 0) {
    listPush(c.pending, d, 0);
    RSAddReadIntoRequest(s, req);
    return;
  }
  if (s.state === 'closed') {
    req.close(N.makeView(vt, d.buffer, d.byteOffset, 0));
    return;
  }
  if (c.qsize > 0) {
    if (RBCFillPullIntoDescriptorFromQueue(c, d)) {
      var filledView = RBCConvertPullIntoDescriptor(d);
      RBCHandleQueueDrain(c);
      req.chunk(filledView);
      return;
    }
    if (c.closeRequested) {
      var e = TypeErr('Insufficient bytes to fill elements in the given buffer');
      RBCError(c, e);
      req.error(e);
      return;
    }
  }
  listPush(c.pending, d, 0);
  RSAddReadIntoRequest(s, req);
  RBCCallPullIfNeeded(c);
}
function RBCRespond(c, bytesWritten) {
  var first = c.pending.h.v;
  var st = c.stream.state;
  if (st === 'closed') {
    if (bytesWritten !== 0) throw TypeErr('bytesWritten must be 0 when calling respond() on a closed stream');
  } else {
    if (bytesWritten === 0) throw TypeErr('bytesWritten must be greater than 0 when calling respond() on a readable stream');
    if (first.bytesFilled + bytesWritten > first.byteLength) throw RangeErr('bytesWritten out of range');
  }
  if (first.exposed) {
    first.buffer = N.transferAB(first.buffer, c.byobRequest !== null ? c.byobRequest.view : undef);
    first.exposed = false;
  }
  RBCRespondInternal(c, bytesWritten);
}
function RBCRespondInClosedState(c, first) {
  if (first.readerType === 'none') RBCShiftPendingPullInto(c);
  var s = c.stream;
  if (RSHasBYOBReader(s)) {
    while (RSNumReadIntoRequests(s) > 0) RBCCommitPullIntoDescriptor(s, RBCShiftPendingPullInto(c));
  }
}
function RBCRespondInReadableState(c, bytesWritten, d) {
  RBCFillHeadPullIntoDescriptor(c, bytesWritten, d);
  if (d.readerType === 'none') {
    RBCEnqueueDetachedPullIntoToQueue(c, d);
    var filled = RBCProcessPullIntoDescriptorsUsingQueue(c);
    while (filled.n) RBCCommitPullIntoDescriptor(c.stream, listShift(filled).v);
    return;
  }
  if (d.bytesFilled < d.minimumFill) return;
  RBCShiftPendingPullInto(c);
  var remainderSize = d.bytesFilled % d.elementSize;
  if (remainderSize > 0) {
    var end = d.byteOffset + d.bytesFilled;
    RBCEnqueueClonedChunkToQueue(c, d.buffer, end - remainderSize, remainderSize);
  }
  d.bytesFilled -= remainderSize;
  var filled2 = RBCProcessPullIntoDescriptorsUsingQueue(c);
  RBCCommitPullIntoDescriptor(c.stream, d);
  while (filled2.n) RBCCommitPullIntoDescriptor(c.stream, listShift(filled2).v);
}
function RBCRespondInternal(c, bytesWritten) {
  var first = c.pending.h.v;
  RBCInvalidateBYOBRequest(c);
  if (c.stream.state === 'closed') RBCRespondInClosedState(c, first);
  else RBCRespondInReadableState(c, bytesWritten, first);
  RBCCallPullIfNeeded(c);
}
function RBCRespondWithNewView(c, view) {
  var first = c.pending.h.v;
  var st = c.stream.state;
  var vlen = view.byteLength;
  if (st === 'closed') {
    if (vlen !== 0) throw TypeErr("The view's length must be 0 when calling respondWithNewView() on a closed stream");
  } else if (vlen === 0) {
    throw TypeErr("The view's length must be greater than 0 when calling respondWithNewView() on a readable stream");
  }
  if (first.byteOffset + first.bytesFilled !== view.byteOffset) throw RangeErr('The region specified by view does not match byobRequest');
  if (first.bufferByteLength !== N.abLength(view.buffer)) throw RangeErr('The buffer of view has different capacity than byobRequest');
  if (first.bytesFilled + vlen > first.byteLength) throw RangeErr('The region specified by view is larger than byobRequest');
  first.buffer = N.transferAB(view.buffer, view);
  first.exposed = false;
  RBCRespondInternal(c, vlen);
}
function setUpRBC(s, c, startAlg, pullAlg, cancelAlg, hwm, autoAllocate) {
  c.stream = s;
  c.pullAgain = c.pulling = false;
  c.byobRequest = null;
  resetQueue(c);
  c.closeRequested = c.started = false;
  c.hwm = hwm;
  c.pullAlg = pullAlg;
  c.cancelAlg = cancelAlg;
  c.autoAllocate = autoAllocate;
  c.pending = List();
  s.controller = c;
  var startResult = startAlg();
  react(resolved(startResult), function () {
    c.started = true;
    RBCCallPullIfNeeded(c);
  }, function (r) { RBCError(c, r); });
}
function setUpRBCFromSource(s, src, start, pull, cancel, hwm, autoAllocate) {
  var c = newRBC();
  var startAlg = start ? function () { return call(start, src, c.o); } : noop;
  var pullAlg = pull ? function () { return promiseCall(pull, src, c.o); } : resolvedUndef;
  var cancelAlg = cancel ? function (r) { return promiseCall(cancel, src, r); } : resolvedUndef;
  setUpRBC(s, c, startAlg, pullAlg, cancelAlg, hwm, autoAllocate);
}

/* ---- tee ---- */

function RSTee(s, cloneForBranch2) {
  if (s.controller.kind === 'RBC') return byteTee(s);
  return defaultTee(s, cloneForBranch2);
}

function defaultTee(s, cloneForBranch2) {
  var reader = acquireDefaultReader(s);
  var reading = false, readAgain = false, canceled1 = false, canceled2 = false;
  var reason1, reason2, branch1, branch2;
  var cancelPromise = newPromise();
  function pullAlg() {
    if (reading) { readAgain = true; return resolvedUndef(); }
    reading = true;
    defaultReaderRead(reader, {
      chunk: function (chunk) {
        N.queueMicrotask(function () {
          readAgain = false;
          var chunk1 = chunk, chunk2 = chunk;
          if (!canceled2 && cloneForBranch2) {
            try { chunk2 = N.structuredClone(chunk2); }
            catch (e) {
              RSDCError(branch1.controller, e);
              RSDCError(branch2.controller, e);
              resolveP(cancelPromise, RSCancel(s, e));
              return;
            }
          }
          if (!canceled1) RSDCEnqueue(branch1.controller, chunk1);
          if (!canceled2) RSDCEnqueue(branch2.controller, chunk2);
          reading = false;
          if (readAgain) pullAlg();
        });
      },
      close: function () {
        reading = false;
        if (!canceled1) RSDCClose(branch1.controller);
        if (!canceled2) RSDCClose(branch2.controller);
        if (!canceled1 || !canceled2) resolveP(cancelPromise, undef);
      },
      error: function () { reading = false; }
    });
    return resolvedUndef();
  }
  function cancel1(reason) {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) resolveP(cancelPromise, RSCancel(s, [reason1, reason2]));
    return cancelPromise;
  }
  function cancel2(reason) {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) resolveP(cancelPromise, RSCancel(s, [reason1, reason2]));
    return cancelPromise;
  }
  branch1 = createRS(noop, pullAlg, cancel1);
  branch2 = createRS(noop, pullAlg, cancel2);
  react(reader.closed, noop, function (r) {
    RSDCError(branch1.controller, r);
    RSDCError(branch2.controller, r);
    if (!canceled1 || !canceled2) resolveP(cancelPromise, undef);
  });
  return [branch1, branch2];
}

/* ReadableByteStreamTee: both branches are byte streams. A branch read with a BYOB reader
 * forwards its byobRequest view to a BYOB read of the source (so the bytes land in that
 * reader's buffer) and the other branch gets a copy; a default read of either branch reads
 * the source with a default reader and gives the second branch a copy. The source's reader
 * switches between the two kinds as the branches' reads ask. */
function byteTee(s) {
  var reader = acquireDefaultReader(s);
  var reading = false, readAgain1 = false, readAgain2 = false;
  var canceled1 = false, canceled2 = false;
  var reason1, reason2, branch1, branch2;
  var cancelPromise = newPromise();
  function cloneAsUint8Array(v) {
    var len = v.byteLength;
    return N.makeView(1, N.sliceAB(v.buffer, v.byteOffset, len), 0, len);
  }
  function forwardReaderError(thisReader) {
    react(thisReader.closed, noop, function (r) {
      if (thisReader !== reader) return;
      RBCError(branch1.controller, r);
      RBCError(branch2.controller, r);
      if (!canceled1 || !canceled2) resolveP(cancelPromise, undef);
    });
  }
  function cloneFailed(e, c1, c2) {
    RBCError(c1, e);
    RBCError(c2, e);
    resolveP(cancelPromise, RSCancel(s, e));
  }
  function pullAgain() {
    if (readAgain1) pull1();
    else if (readAgain2) pull2();
  }
  function pullWithDefaultReader() {
    if (reader.kind === 'BR') {
      readerGenericRelease(reader);
      readerErrorReadIntoRequests(reader, TypeErr('Reader was released'));
      reader = acquireDefaultReader(s);
      forwardReaderError(reader);
    }
    defaultReaderRead(reader, {
      chunk: function (chunk) {
        N.queueMicrotask(function () {
          readAgain1 = readAgain2 = false;
          var chunk1 = chunk, chunk2 = chunk;
          if (!canceled1 && !canceled2) {
            try { chunk2 = cloneAsUint8Array(chunk); }
            catch (e) { cloneFailed(e, branch1.controller, branch2.controller); return; }
          }
          /* chunk1 came from the source's queue and chunk2 is new: no script holds
           * either, so the enqueues skip the (unobservable) transfer. */
          if (!canceled1) RBCEnqueue(branch1.controller, chunk1, true);
          if (!canceled2) RBCEnqueue(branch2.controller, chunk2, true);
          reading = false;
          pullAgain();
        });
      },
      close: function () {
        reading = false;
        if (!canceled1) RBCClose(branch1.controller);
        if (!canceled2) RBCClose(branch2.controller);
        if (branch1.controller.pending.n > 0) RBCRespond(branch1.controller, 0);
        if (branch2.controller.pending.n > 0) RBCRespond(branch2.controller, 0);
        if (!canceled1 || !canceled2) resolveP(cancelPromise, undef);
      },
      error: function () { reading = false; }
    });
  }
  function pullWithBYOBReader(view, forBranch2) {
    if (reader.kind === 'DR') {
      defaultReaderRelease(reader);
      reader = acquireBYOBReader(s);
      forwardReaderError(reader);
    }
    var byobBranch = forBranch2 ? branch2 : branch1;
    var otherBranch = forBranch2 ? branch1 : branch2;
    byobReaderRead(reader, view, 1, 1, {
      chunk: function (chunk) {
        N.queueMicrotask(function () {
          readAgain1 = readAgain2 = false;
          var byobCanceled = forBranch2 ? canceled2 : canceled1;
          var otherCanceled = forBranch2 ? canceled1 : canceled2;
          if (!otherCanceled) {
            var cloned;
            try { cloned = cloneAsUint8Array(chunk); }
            catch (e) { cloneFailed(e, byobBranch.controller, otherBranch.controller); return; }
            if (!byobCanceled) RBCRespondWithNewView(byobBranch.controller, chunk);
            RBCEnqueue(otherBranch.controller, cloned, true);
          } else if (!byobCanceled) {
            RBCRespondWithNewView(byobBranch.controller, chunk);
          }
          reading = false;
          pullAgain();
        });
      },
      close: function (chunk) {
        reading = false;
        var byobCanceled = forBranch2 ? canceled2 : canceled1;
        var otherCanceled = forBranch2 ? canceled1 : canceled2;
        if (!byobCanceled) RBCClose(byobBranch.controller);
        if (!otherCanceled) RBCClose(otherBranch.controller);
        if (chunk !== undef) {
          if (!byobCanceled) RBCRespondWithNewView(byobBranch.controller, chunk);
          if (!otherCanceled && otherBranch.controller.pending.n > 0) RBCRespond(otherBranch.controller, 0);
        }
        if (!byobCanceled || !otherCanceled) resolveP(cancelPromise, undef);
      },
      error: function () { reading = false; }
    });
  }
  function pullBranch(branch) {
    var c = branch.controller;
    RBCGetBYOBRequest(c);
    if (c.byobRequest === null) pullWithDefaultReader();
    else pullWithBYOBReader(c.byobRequest.view, branch === branch2);
    return resolvedUndef();
  }
  function pull1() {
    if (reading) { readAgain1 = true; return resolvedUndef(); }
    reading = true;
    return pullBranch(branch1);
  }
  function pull2() {
    if (reading) { readAgain2 = true; return resolvedUndef(); }
    reading = true;
    return pullBranch(branch2);
  }
  function cancel1(reason) {
    canceled1 = true;
    reason1 = reason;
    if (canceled2) resolveP(cancelPromise, RSCancel(s, [reason1, reason2]));
    return cancelPromise;
  }
  function cancel2(reason) {
    canceled2 = true;
    reason2 = reason;
    if (canceled1) resolveP(cancelPromise, RSCancel(s, [reason1, reason2]));
    return cancelPromise;
  }
  branch1 = createByteRS(noop, pull1, cancel1);
  branch2 = createByteRS(noop, pull2, cancel2);
  forwardReaderError(reader);
  return [branch1, branch2];
}

/* ---- async iteration ---- */

var AsyncIterProto = N.create(N.asyncIteratorProto);
function makeAsyncIterator(s, preventCancel) {
  var reader = acquireDefaultReader(s);
  var o = N.create(AsyncIterProto);
  var it = { kind: 'RSIter', o: o, reader: reader, preventCancel: preventCancel,
             ongoing: undef, finished: false };
  o[K] = it;
  return o;
}
function iterNextSteps(it) {
  if (it.finished) return resolved(makeIterResult(undef, true));
  var reader = it.reader;
  var p = newPromise();
  defaultReaderRead(reader, {
    chunk: function (c) { resolveP(p, makeIterResult(c, false)); },
    close: function () {
      it.finished = true;
      defaultReaderRelease(reader);
      resolveP(p, makeIterResult(undef, true));
    },
    error: function (e) {
      it.finished = true;
      defaultReaderRelease(reader);
      rejectP(p, e);
    }
  });
  return p;
}
N.defineMethod(AsyncIterProto, 'next', function next() {
  var it = brandP(this, 'RSIter');
  if (!it) return illegal('ReadableStream async iterator');
  var run = function () { return iterNextSteps(it); };
  var p = it.ongoing ? then(it.ongoing, run, run) : run();
  it.ongoing = p;
  /* The ongoing promise is cleared once it settles, as the WebIDL steps say. */
  react(p, function () { if (it.ongoing === p) it.ongoing = undef; },
        function () { if (it.ongoing === p) it.ongoing = undef; });
  return p;
}, 0);
N.defineMethod(AsyncIterProto, 'return', function (value) {
  var it = brandP(this, 'RSIter');
  if (!it) return illegal('ReadableStream async iterator');
  var run = function () {
    if (it.finished) return resolved(makeIterResult(value, true));
    it.finished = true;
    var reader = it.reader;
    if (!it.preventCancel) {
      var result = readerGenericCancel(reader, value);
      defaultReaderRelease(reader);
      return then(result, function () { return makeIterResult(value, true); });
    }
    defaultReaderRelease(reader);
    return resolved(makeIterResult(value, true));
  };
  var p = it.ongoing ? then(it.ongoing, run, run) : run();
  it.ongoing = p;
  return p;
}, 1);

/* ---- pipeTo ---- */

function RSPipeTo(source, dest, preventClose, preventAbort, preventCancel, signal) {
  var reader = acquireDefaultReader(source);
  var writer = acquireWriter(dest);
  source.disturbed = true;
  var shuttingDown = false;
  var promise = newPromise();
  var currentWrite = resolvedUndef();
  var abortActive = false;

  function finalize(isError, error) {
    writerRelease(writer);
    readerGenericRelease(reader);
    readerErrorReadRequests(reader, TypeErr('Reader was released'));
    abortActive = false; /* signal algorithms cannot be removed: this one goes inert */
    if (isError) rejectP(promise, error); else resolveP(promise, undef);
  }
  function waitForWrites(k) {
    var cw = currentWrite;
    var again = function () { if (cw !== currentWrite) waitForWrites(k); else k(); };
    react(cw, again, again);
  }
  function shutdownWithAction(action, originalIsError, originalError) {
    if (shuttingDown) return;
    shuttingDown = true;
    var rest = function () {
      var p;
      try { p = action(); } catch (e) { p = rejected(e); }
      react(p, function () { finalize(originalIsError, originalError); },
            function (e) { finalize(true, e); });
    };
    if (dest.state === 'writable' && !WSCloseQueuedOrInFlight(dest)) waitForWrites(rest);
    else rest();
  }
  function shutdown(isError, error) {
    if (shuttingDown) return;
    shuttingDown = true;
    if (dest.state === 'writable' && !WSCloseQueuedOrInFlight(dest)) waitForWrites(function () { finalize(isError, error); });
    else finalize(isError, error);
  }

  if (signal !== undef) {
    var abortAlgorithm = function () {
      var error = N.abortReason(signal);
      shutdownWithAction(function () {
        var pa = (!preventAbort && dest.state === 'writable') ? WSAbort(dest, error) : resolvedUndef();
        var pc = (!preventCancel && source.state === 'readable') ? RSCancel(source, error) : resolvedUndef();
        return N.all2(pa, pc);
      }, true, error);
    };
    if (N.isAborted(signal)) { abortAlgorithm(); return promise; }
    abortActive = true;
    N.addAbortListener(signal, function () { if (abortActive) abortAlgorithm(); });
  }

  /* The error and close conditions, checked now and whenever a stream changes state. */
  function onSourceErrored(e) {
    if (!preventAbort) shutdownWithAction(function () { return WSAbort(dest, e); }, true, e);
    else shutdown(true, e);
  }
  function onDestErrored(e) {
    if (!preventCancel) shutdownWithAction(function () { return RSCancel(source, e); }, true, e);
    else shutdown(true, e);
  }
  function onSourceClosed() {
    if (!preventClose) shutdownWithAction(function () { return writerCloseWithErrorPropagation(writer); }, false);
    else shutdown(false);
  }
  function onDestClosing() {
    var destClosed = TypeErr('The destination stream is closed');
    if (!preventCancel) shutdownWithAction(function () { return RSCancel(source, destClosed); }, true, destClosed);
    else shutdown(true, destClosed);
  }

  /* One read request and one readiness callback for the whole pipe: a chunk costs no
   * closures. A write's failure is seen through writer.closed, so its promise is only
   * marked handled. */
  var readRequest = {
    chunk: function (chunk) {
      var w = writerWrite(writer, chunk);
      markHandled(w);
      currentWrite = w;
      step();
    },
    close: noop,
    error: noop
  };
  function onReady() {
    if (!shuttingDown) defaultReaderRead(reader, readRequest);
  }
  function step() {
    if (!shuttingDown) react(writer.ready, onReady, noop);
  }

  if (source.state === 'errored') onSourceErrored(source.storedError);
  else if (dest.state === 'errored' || dest.state === 'erroring') onDestErrored(dest.storedError);
  else if (source.state === 'closed') onSourceClosed();
  else if (WSCloseQueuedOrInFlight(dest) || dest.state === 'closed') onDestClosing();
  if (!shuttingDown) {
    react(reader.closed, function () { if (!shuttingDown) onSourceClosed(); },
          function (e) { if (!shuttingDown && reader.stream === source) onSourceErrored(e); });
    react(writer.closed, noop,
          function (e) { if (!shuttingDown && writer.stream === dest) onDestErrored(e); });
    step();
  }
  return promise;
}

/* ============================ WritableStream ============================ */

function initWS(o) {
  var s = { kind: 'WS', o: o, state: 'writable', storedError: undef, writer: undef,
            controller: undef, inFlightWriteRequest: undef, closeRequest: undef,
            inFlightCloseRequest: undef, pendingAbortRequest: undef, writeRequests: List(),
            backpressure: false };
  o[K] = s;
  return s;
}
function WritableStream(underlyingSink, strategy) {
  if (this === undef || !isObject(this) || this[K]) throw TypeErr("Constructor WritableStream requires 'new'");
  if (underlyingSink === undef) underlyingSink = null;
  var st = readStrategy(strategy, 'strategy');
  checkDict(underlyingSink, 'underlyingSink');
  var sink = underlyingSink || {};
  var abort = getMethod(sink, 'abort', 'underlyingSink');
  var close = getMethod(sink, 'close', 'underlyingSink');
  var start = getMethod(sink, 'start', 'underlyingSink');
  var type = sink.type;
  var write = getMethod(sink, 'write', 'underlyingSink');
  if (type !== undef) throw RangeErr('Invalid type is specified');
  var size = extractSize(st);
  var hwm = extractHWM(st, 1);
  var s = initWS(this);
  var c = newWSDC();
  var startAlg = start ? function () { return call(start, sink, c.o); } : noop;
  var writeAlg = write ? function (chunk) { return promiseCall(write, sink, chunk, c.o); } : resolvedUndef;
  var closeAlg = close ? function () { return promiseCall(close, sink); } : resolvedUndef;
  var abortAlg = abort ? function (r) { return promiseCall(abort, sink, r); } : resolvedUndef;
  setUpWSDC(s, c, startAlg, writeAlg, closeAlg, abortAlg, hwm, size);
}
var WSProto = WritableStream.prototype;
getter(WSProto, 'locked', function () { return isWSLocked(brand(this, 'WS', 'WritableStream')); });
WSProto.abort = function abort(reason) {
  var s = brandP(this, 'WS');
  if (!s) return illegal('WritableStream');
  if (isWSLocked(s)) return rejected(TypeErr('Cannot abort a locked WritableStream'));
  return WSAbort(s, reason);
};
WSProto.close = function close() {
  var s = brandP(this, 'WS');
  if (!s) return illegal('WritableStream');
  if (isWSLocked(s)) return rejected(TypeErr('Cannot close a locked WritableStream'));
  if (WSCloseQueuedOrInFlight(s)) return rejected(TypeErr('The stream is already closing'));
  return WSClose(s);
};
WSProto.getWriter = function getWriter() {
  return acquireWriter(brand(this, 'WS', 'WritableStream')).o;
};

function createWS(startAlg, writeAlg, closeAlg, abortAlg, hwm, sizeAlg) {
  var o = N.create(WSProto);
  var s = initWS(o);
  var c = newWSDC();
  setUpWSDC(s, c, startAlg, writeAlg, closeAlg, abortAlg, hwm, sizeAlg);
  return s;
}
function isWSLocked(s) { return s.writer !== undef; }

function WSAbort(s, reason) {
  if (s.state === 'closed' || s.state === 'errored') return resolvedUndef();
  N.signalAbort(s.controller.signal, reason);
  var state = s.state;
  if (state === 'closed' || state === 'errored') return resolvedUndef();
  if (s.pendingAbortRequest !== undef) return s.pendingAbortRequest.promise;
  var wasAlreadyErroring = false;
  if (state === 'erroring') { wasAlreadyErroring = true; reason = undef; }
  var p = newPromise();
  s.pendingAbortRequest = { promise: p, reason: reason, wasAlreadyErroring: wasAlreadyErroring };
  if (!wasAlreadyErroring) WSStartErroring(s, reason);
  return p;
}
function WSClose(s) {
  var state = s.state;
  if (state === 'closed' || state === 'errored') return rejected(TypeErr('The stream is closed or errored'));
  var p = newPromise();
  s.closeRequest = p;
  var writer = s.writer;
  if (writer !== undef && s.backpressure && state === 'writable') resolveP(writer.ready, undef);
  WSDCClose(s.controller);
  return p;
}
function WSAddWriteRequest(s) {
  var p = newPromise();
  listPush(s.writeRequests, p, 0);
  return p;
}
function WSDealWithRejection(s, e) {
  if (s.state === 'writable') { WSStartErroring(s, e); return; }
  WSFinishErroring(s);
}
function WSFinishErroring(s) {
  s.state = 'errored';
  s.controller.errorSteps();
  var storedError = s.storedError;
  var reqs = s.writeRequests;
  s.writeRequests = List();
  while (reqs.n) rejectP(listShift(reqs).v, storedError);
  if (s.pendingAbortRequest === undef) { WSRejectCloseAndClosedPromiseIfNeeded(s); return; }
  var abortRequest = s.pendingAbortRequest;
  s.pendingAbortRequest = undef;
  if (abortRequest.wasAlreadyErroring) {
    rejectP(abortRequest.promise, storedError);
    WSRejectCloseAndClosedPromiseIfNeeded(s);
    return;
  }
  var p = s.controller.abortSteps(abortRequest.reason);
  react(p, function () {
    resolveP(abortRequest.promise, undef);
    WSRejectCloseAndClosedPromiseIfNeeded(s);
  }, function (r) {
    rejectP(abortRequest.promise, r);
    WSRejectCloseAndClosedPromiseIfNeeded(s);
  });
}
function WSFinishInFlightClose(s) {
  resolveP(s.inFlightCloseRequest, undef);
  s.inFlightCloseRequest = undef;
  if (s.state === 'erroring') {
    s.storedError = undef;
    if (s.pendingAbortRequest !== undef) {
      resolveP(s.pendingAbortRequest.promise, undef);
      s.pendingAbortRequest = undef;
    }
  }
  s.state = 'closed';
  if (s.writer !== undef) resolveP(s.writer.closed, undef);
}
function WSFinishInFlightCloseWithError(s, e) {
  rejectP(s.inFlightCloseRequest, e);
  s.inFlightCloseRequest = undef;
  if (s.pendingAbortRequest !== undef) {
    rejectP(s.pendingAbortRequest.promise, e);
    s.pendingAbortRequest = undef;
  }
  WSDealWithRejection(s, e);
}
function WSFinishInFlightWrite(s) {
  resolveP(s.inFlightWriteRequest, undef);
  s.inFlightWriteRequest = undef;
}
function WSFinishInFlightWriteWithError(s, e) {
  rejectP(s.inFlightWriteRequest, e);
  s.inFlightWriteRequest = undef;
  WSDealWithRejection(s, e);
}
function WSCloseQueuedOrInFlight(s) { return s.closeRequest !== undef || s.inFlightCloseRequest !== undef; }
function WSHasOperationMarkedInFlight(s) { return s.inFlightWriteRequest !== undef || s.inFlightCloseRequest !== undef; }
function WSMarkCloseRequestInFlight(s) { s.inFlightCloseRequest = s.closeRequest; s.closeRequest = undef; }
function WSMarkFirstWriteRequestInFlight(s) { s.inFlightWriteRequest = listShift(s.writeRequests).v; }
function WSRejectCloseAndClosedPromiseIfNeeded(s) {
  if (s.closeRequest !== undef) { rejectP(s.closeRequest, s.storedError); s.closeRequest = undef; }
  var writer = s.writer;
  if (writer !== undef) { rejectP(writer.closed, s.storedError); markHandled(writer.closed); }
}
function WSStartErroring(s, reason) {
  var c = s.controller;
  s.state = 'erroring';
  s.storedError = reason;
  var writer = s.writer;
  if (writer !== undef) writerEnsureReadyPromiseRejected(writer, reason);
  if (!WSHasOperationMarkedInFlight(s) && c.started) WSFinishErroring(s);
}
function WSUpdateBackpressure(s, backpressure) {
  var writer = s.writer;
  if (writer !== undef && backpressure !== s.backpressure) {
    if (backpressure) writer.ready = newPromise();
    else resolveP(writer.ready, undef);
  }
  s.backpressure = backpressure;
}

/* ---- WritableStreamDefaultWriter ---- */

function newWriterRecord(o) {
  var w = { kind: 'WW', o: o, stream: undef, ready: undef, closed: undef };
  o[K] = w;
  return w;
}
function setUpWriter(w, s) {
  if (isWSLocked(s)) throw TypeErr('WritableStream is locked');
  w.stream = s;
  s.writer = w;
  var state = s.state;
  if (state === 'writable') {
    w.ready = newPromise();
    if (WSCloseQueuedOrInFlight(s) || !s.backpressure) resolveP(w.ready, undef);
    w.closed = newPromise();
  } else if (state === 'erroring') {
    w.ready = setHandled(rejected(s.storedError));
    w.closed = newPromise();
  } else if (state === 'closed') {
    w.ready = resolvedUndef();
    w.closed = resolvedUndef();
  } else {
    w.ready = setHandled(rejected(s.storedError));
    w.closed = setHandled(rejected(s.storedError));
  }
}
function acquireWriter(s) {
  var w = newWriterRecord(N.create(WWProto));
  setUpWriter(w, s);
  return w;
}
function WritableStreamDefaultWriter(stream) {
  if (this === undef || !isObject(this) || this[K]) throw TypeErr("Constructor WritableStreamDefaultWriter requires 'new'");
  var s = isRecord(stream, 'WS');
  if (!s) throw TypeErr('WritableStreamDefaultWriter needs a WritableStream');
  setUpWriter(newWriterRecord(this), s);
}
var WWProto = WritableStreamDefaultWriter.prototype;
getter(WWProto, 'closed', function () {
  var w = brandP(this, 'WW');
  return w ? w.closed : illegal('WritableStreamDefaultWriter');
});
getter(WWProto, 'desiredSize', function () {
  var w = brand(this, 'WW', 'WritableStreamDefaultWriter');
  if (w.stream === undef) throw TypeErr('The writer has no stream');
  return writerGetDesiredSize(w);
});
getter(WWProto, 'ready', function () {
  var w = brandP(this, 'WW');
  return w ? w.ready : illegal('WritableStreamDefaultWriter');
});
WWProto.abort = function abort(reason) {
  var w = brandP(this, 'WW');
  if (!w) return illegal('WritableStreamDefaultWriter');
  if (w.stream === undef) return rejected(TypeErr('The writer has no stream'));
  return WSAbort(w.stream, reason);
};
WWProto.close = function close() {
  var w = brandP(this, 'WW');
  if (!w) return illegal('WritableStreamDefaultWriter');
  var s = w.stream;
  if (s === undef) return rejected(TypeErr('The writer has no stream'));
  if (WSCloseQueuedOrInFlight(s)) return rejected(TypeErr('The stream is already closing'));
  return WSClose(s);
};
WWProto.releaseLock = function releaseLock() {
  var w = brand(this, 'WW', 'WritableStreamDefaultWriter');
  if (w.stream === undef) return;
  writerRelease(w);
};
WWProto.write = function write(chunk) {
  var w = brandP(this, 'WW');
  if (!w) return illegal('WritableStreamDefaultWriter');
  if (w.stream === undef) return rejected(TypeErr('The writer has no stream'));
  return writerWrite(w, chunk);
};

function writerCloseWithErrorPropagation(w) {
  var s = w.stream;
  var state = s.state;
  if (WSCloseQueuedOrInFlight(s) || state === 'closed') return resolvedUndef();
  if (state === 'errored') return rejected(s.storedError);
  return WSClose(s);
}
function writerEnsureClosedPromiseRejected(w, e) {
  if (N.isPending(w.closed)) rejectP(w.closed, e);
  else w.closed = rejected(e);
  markHandled(w.closed);
}
function writerEnsureReadyPromiseRejected(w, e) {
  if (N.isPending(w.ready)) rejectP(w.ready, e);
  else w.ready = rejected(e);
  markHandled(w.ready);
}
function writerGetDesiredSize(w) {
  var s = w.stream;
  var state = s.state;
  if (state === 'errored' || state === 'erroring') return null;
  if (state === 'closed') return 0;
  return WSDCGetDesiredSize(s.controller);
}
function writerRelease(w) {
  var s = w.stream;
  var e = TypeErr('Writer was released');
  writerEnsureReadyPromiseRejected(w, e);
  writerEnsureClosedPromiseRejected(w, e);
  s.writer = undef;
  w.stream = undef;
}
function writerWrite(w, chunk) {
  var s = w.stream;
  var c = s.controller;
  var chunkSize = WSDCGetChunkSize(c, chunk);
  if (s !== w.stream) return rejected(TypeErr('The writer was released'));
  var state = s.state;
  if (state === 'errored') return rejected(s.storedError);
  if (WSCloseQueuedOrInFlight(s) || state === 'closed') return rejected(TypeErr('The stream is closing or closed'));
  if (state === 'erroring') return rejected(s.storedError);
  var p = WSAddWriteRequest(s);
  WSDCWrite(c, chunk, chunkSize);
  return p;
}

/* ---- WritableStreamDefaultController ---- */

var closeSentinel = {};
function newWSDC() {
  var o = N.create(WSDCProto);
  var c = { kind: 'WSDC', o: o, stream: undef, q: List(), qsize: 0, signal: undef,
            started: false, sizeAlg: undef, hwm: 1, writeAlg: undef, closeAlg: undef,
            abortAlg: undef, onWritten: undef, onWriteFailed: undef };
  o[K] = c;
  c.abortSteps = function (reason) {
    var result = c.abortAlg(reason);
    WSDCClearAlgorithms(c);
    return result;
  };
  c.errorSteps = function () { resetQueue(c); };
  return c;
}
function WritableStreamDefaultController() { throw TypeErr('Illegal constructor'); }
var WSDCProto = WritableStreamDefaultController.prototype;
getter(WSDCProto, 'signal', function () {
  return brand(this, 'WSDC', 'WritableStreamDefaultController').signal;
});
WSDCProto.error = function error(e) {
  var c = brand(this, 'WSDC', 'WritableStreamDefaultController');
  if (c.stream.state !== 'writable') return;
  WSDCError(c, e);
};
function setUpWSDC(s, c, startAlg, writeAlg, closeAlg, abortAlg, hwm, sizeAlg) {
  c.stream = s;
  s.controller = c;
  resetQueue(c);
  c.signal = N.newAbortSignal();
  c.started = false;
  c.sizeAlg = sizeAlg;
  c.hwm = hwm;
  c.writeAlg = writeAlg;
  c.closeAlg = closeAlg;
  c.abortAlg = abortAlg;
  WSUpdateBackpressure(s, WSDCGetBackpressure(c));
  var startResult = startAlg();
  react(resolved(startResult), function () {
    c.started = true;
    WSDCAdvanceQueueIfNeeded(c);
  }, function (r) {
    c.started = true;
    WSDealWithRejection(s, r);
  });
}
function WSDCClearAlgorithms(c) { c.writeAlg = c.closeAlg = c.abortAlg = c.sizeAlg = undef; }
function WSDCClose(c) {
  enqueueValueWithSize(c, closeSentinel, 0);
  WSDCAdvanceQueueIfNeeded(c);
}
function WSDCGetChunkSize(c, chunk) {
  if (c.sizeAlg === undef) return 1;
  try { return call(c.sizeAlg, undef, chunk); }
  catch (e) { WSDCErrorIfNeeded(c, e); return 1; }
}
function WSDCGetDesiredSize(c) { return c.hwm - c.qsize; }
function WSDCWrite(c, chunk, chunkSize) {
  try { enqueueValueWithSize(c, chunk, chunkSize); }
  catch (e) { WSDCErrorIfNeeded(c, e); return; }
  var s = c.stream;
  if (!WSCloseQueuedOrInFlight(s) && s.state === 'writable') WSUpdateBackpressure(s, WSDCGetBackpressure(c));
  WSDCAdvanceQueueIfNeeded(c);
}
function WSDCAdvanceQueueIfNeeded(c) {
  var s = c.stream;
  if (!c.started) return;
  if (s.inFlightWriteRequest !== undef) return;
  var state = s.state;
  if (state === 'erroring') { WSFinishErroring(s); return; }
  if (c.q.n === 0) return;
  var value = c.q.h.v;
  if (value === closeSentinel) WSDCProcessClose(c);
  else WSDCProcessWrite(c, value);
}
function WSDCErrorIfNeeded(c, e) { if (c.stream.state === 'writable') WSDCError(c, e); }
function WSDCProcessClose(c) {
  var s = c.stream;
  WSMarkCloseRequestInFlight(s);
  dequeueValue(c);
  var p = c.closeAlg();
  WSDCClearAlgorithms(c);
  react(p, function () { WSFinishInFlightClose(s); },
        function (r) { WSFinishInFlightCloseWithError(s, r); });
}
function WSDCProcessWrite(c, chunk) {
  var s = c.stream;
  WSMarkFirstWriteRequestInFlight(s);
  if (!c.onWritten) {
    /* Made once per controller: a write per chunk must not allocate two closures. */
    c.onWritten = function () {
      WSFinishInFlightWrite(s);
      var state = s.state;
      dequeueValue(c);
      if (!WSCloseQueuedOrInFlight(s) && state === 'writable') WSUpdateBackpressure(s, WSDCGetBackpressure(c));
      WSDCAdvanceQueueIfNeeded(c);
    };
    c.onWriteFailed = function (r) {
      if (s.state === 'writable') WSDCClearAlgorithms(c);
      WSFinishInFlightWriteWithError(s, r);
    };
  }
  react(c.writeAlg(chunk), c.onWritten, c.onWriteFailed);
}
function WSDCGetBackpressure(c) { return WSDCGetDesiredSize(c) <= 0; }
function WSDCError(c, e) {
  WSDCClearAlgorithms(c);
  WSStartErroring(c.stream, e);
}

/* ============================ TransformStream ============================ */

function TransformStream(transformer, writableStrategy, readableStrategy) {
  if (this === undef || !isObject(this) || this[K]) throw TypeErr("Constructor TransformStream requires 'new'");
  if (transformer === undef) transformer = null;
  var wst = readStrategy(writableStrategy, 'writableStrategy');
  var rst = readStrategy(readableStrategy, 'readableStrategy');
  checkDict(transformer, 'transformer');
  var tr = transformer || {};
  var cancel = getMethod(tr, 'cancel', 'transformer');
  var flush = getMethod(tr, 'flush', 'transformer');
  var readableType = tr.readableType;
  var start = getMethod(tr, 'start', 'transformer');
  var transform = getMethod(tr, 'transform', 'transformer');
  var writableType = tr.writableType;
  if (readableType !== undef) throw RangeErr('Invalid readableType specified');
  if (writableType !== undef) throw RangeErr('Invalid writableType specified');
  var readableHWM = extractHWM(rst, 0);
  var readableSize = extractSize(rst);
  var writableHWM = extractHWM(wst, 1);
  var writableSize = extractSize(wst);
  var t = newTS(this);
  var startPromise = newPromise();
  initializeTS(t, startPromise, writableHWM, writableSize, readableHWM, readableSize);
  var c = newTSDC();
  var transformAlg = transform
    ? function (chunk) { return promiseCall(transform, tr, chunk, c.o); }
    : function (chunk) {
      try { TSDCEnqueue(c, chunk); return resolvedUndef(); } catch (e) { return rejected(e); }
    };
  var flushAlg = flush ? function () { return promiseCall(flush, tr, c.o); } : resolvedUndef;
  var cancelAlg = cancel ? function (r) { return promiseCall(cancel, tr, r); } : resolvedUndef;
  setUpTSDC(t, c, transformAlg, flushAlg, cancelAlg);
  if (start) resolveP(startPromise, call(start, tr, c.o));
  else resolveP(startPromise, undef);
}
var TSProto = TransformStream.prototype;
getter(TSProto, 'readable', function () { return brand(this, 'TS', 'TransformStream').readable.o; });
getter(TSProto, 'writable', function () { return brand(this, 'TS', 'TransformStream').writable.o; });

function newTS(o) {
  var t = { kind: 'TS', o: o, backpressure: undef, backpressureChangePromise: undef,
            controller: undef, readable: undef, writable: undef };
  o[K] = t;
  return t;
}
function initializeTS(t, startPromise, writableHWM, writableSize, readableHWM, readableSize) {
  function startAlg() { return startPromise; }
  t.writable = createWS(startAlg,
    function (chunk) { return TSDefaultSinkWrite(t, chunk); },
    function () { return TSDefaultSinkClose(t); },
    function (r) { return TSDefaultSinkAbort(t, r); },
    writableHWM, writableSize);
  t.readable = createRS(startAlg,
    function () { return TSDefaultSourcePull(t); },
    function (r) { return TSDefaultSourceCancel(t, r); },
    readableHWM, readableSize);
  t.backpressure = undef;
  t.backpressureChangePromise = undef;
  TSSetBackpressure(t, true);
  t.controller = undef;
}
function TSError(t, e) {
  RSDCError(t.readable.controller, e);
  TSErrorWritableAndUnblockWrite(t, e);
}
function TSErrorWritableAndUnblockWrite(t, e) {
  TSDCClearAlgorithms(t.controller);
  WSDCErrorIfNeeded(t.writable.controller, e);
  TSUnblockWrite(t);
}
function TSUnblockWrite(t) { if (t.backpressure) TSSetBackpressure(t, false); }
function TSSetBackpressure(t, backpressure) {
  if (t.backpressureChangePromise !== undef) resolveP(t.backpressureChangePromise, undef);
  t.backpressureChangePromise = newPromise();
  t.backpressure = backpressure;
}

function newTSDC() {
  var o = N.create(TSDCProto);
  var c = { kind: 'TSDC', o: o, stream: undef, transformAlg: undef, flushAlg: undef,
            cancelAlg: undef, finishPromise: undef, onTransformFailed: undef };
  o[K] = c;
  return c;
}
function TransformStreamDefaultController() { throw TypeErr('Illegal constructor'); }
var TSDCProto = TransformStreamDefaultController.prototype;
getter(TSDCProto, 'desiredSize', function () {
  var c = brand(this, 'TSDC', 'TransformStreamDefaultController');
  return RSDCGetDesiredSize(c.stream.readable.controller);
});
TSDCProto.enqueue = function enqueue(chunk) {
  TSDCEnqueue(brand(this, 'TSDC', 'TransformStreamDefaultController'), chunk);
};
TSDCProto.error = function error(reason) {
  TSError(brand(this, 'TSDC', 'TransformStreamDefaultController').stream, reason);
};
TSDCProto.terminate = function terminate() {
  TSDCTerminate(brand(this, 'TSDC', 'TransformStreamDefaultController'));
};
function setUpTSDC(t, c, transformAlg, flushAlg, cancelAlg) {
  c.stream = t;
  t.controller = c;
  c.transformAlg = transformAlg;
  c.flushAlg = flushAlg;
  c.cancelAlg = cancelAlg;
}
function TSDCClearAlgorithms(c) { c.transformAlg = c.flushAlg = c.cancelAlg = undef; }
function TSDCEnqueue(c, chunk) {
  var t = c.stream;
  var rc = t.readable.controller;
  if (!RSDCCanCloseOrEnqueue(rc)) throw TypeErr('Readable side is not in a state that permits enqueue');
  try { RSDCEnqueue(rc, chunk); }
  catch (e) { TSErrorWritableAndUnblockWrite(t, e); throw t.readable.storedError; }
  var backpressure = RSDCHasBackpressure(rc);
  if (backpressure !== t.backpressure) TSSetBackpressure(t, true);
}
function TSDCPerformTransform(c, chunk) {
  var p = c.transformAlg(chunk);
  if (!c.onTransformFailed) c.onTransformFailed = function (r) { TSError(c.stream, r); throw r; };
  return then(p, undef, c.onTransformFailed);
}
function TSDCTerminate(c) {
  var t = c.stream;
  RSDCClose(t.readable.controller);
  TSErrorWritableAndUnblockWrite(t, TypeErr('TransformStream terminated'));
}
function TSDefaultSinkWrite(t, chunk) {
  var c = t.controller;
  if (t.backpressure) {
    return then(t.backpressureChangePromise, function () {
      var w = t.writable;
      if (w.state === 'erroring') throw w.storedError;
      return TSDCPerformTransform(c, chunk);
    });
  }
  return TSDCPerformTransform(c, chunk);
}
function TSDefaultSinkAbort(t, reason) {
  var c = t.controller;
  if (c.finishPromise !== undef) return c.finishPromise;
  var readable = t.readable;
  var fp = c.finishPromise = newPromise();
  var cancelPromise = c.cancelAlg(reason);
  TSDCClearAlgorithms(c);
  react(cancelPromise, function () {
    if (readable.state === 'errored') rejectP(fp, readable.storedError);
    else { RSDCError(readable.controller, reason); resolveP(fp, undef); }
  }, function (r) {
    RSDCError(readable.controller, r);
    rejectP(fp, r);
  });
  return fp;
}
function TSDefaultSinkClose(t) {
  var c = t.controller;
  if (c.finishPromise !== undef) return c.finishPromise;
  var readable = t.readable;
  var fp = c.finishPromise = newPromise();
  var flushPromise = c.flushAlg();
  TSDCClearAlgorithms(c);
  react(flushPromise, function () {
    if (readable.state === 'errored') rejectP(fp, readable.storedError);
    else { RSDCClose(readable.controller); resolveP(fp, undef); }
  }, function (r) {
    RSDCError(readable.controller, r);
    rejectP(fp, r);
  });
  return fp;
}
function TSDefaultSourceCancel(t, reason) {
  var c = t.controller;
  if (c.finishPromise !== undef) return c.finishPromise;
  var writable = t.writable;
  var fp = c.finishPromise = newPromise();
  var cancelPromise = c.cancelAlg(reason);
  TSDCClearAlgorithms(c);
  react(cancelPromise, function () {
    if (writable.state === 'errored') rejectP(fp, writable.storedError);
    else {
      WSDCErrorIfNeeded(writable.controller, reason);
      TSUnblockWrite(t);
      resolveP(fp, undef);
    }
  }, function (r) {
    WSDCErrorIfNeeded(writable.controller, r);
    TSUnblockWrite(t);
    rejectP(fp, r);
  });
  return fp;
}
function TSDefaultSourcePull(t) {
  TSSetBackpressure(t, false);
  return t.backpressureChangePromise;
}

/* ============================ queuing strategies ============================ */

function strategyInit(self, init, kind, what) {
  if (self === undef || !isObject(self) || self[K]) throw TypeErr('Constructor ' + what + " requires 'new'");
  if (!isObject(init)) throw TypeErr(what + ' needs an init dictionary with highWaterMark');
  var h = init.highWaterMark;
  if (h === undef) throw TypeErr('init.highWaterMark is required');
  self[K] = { kind: kind, o: self, hwm: +h };
}
function byteLengthSize(chunk) { return chunk.byteLength; }
function countSize() { return 1; }
N.setName(byteLengthSize, 'size');
N.setName(countSize, 'size');
function ByteLengthQueuingStrategy(init) { strategyInit(this, init, 'BLQS', 'ByteLengthQueuingStrategy'); }
function CountQueuingStrategy(init) { strategyInit(this, init, 'CQS', 'CountQueuingStrategy'); }
getter(ByteLengthQueuingStrategy.prototype, 'highWaterMark', function () {
  return brand(this, 'BLQS', 'ByteLengthQueuingStrategy').hwm;
});
getter(ByteLengthQueuingStrategy.prototype, 'size', function () {
  brand(this, 'BLQS', 'ByteLengthQueuingStrategy');
  return byteLengthSize;
});
getter(CountQueuingStrategy.prototype, 'highWaterMark', function () {
  return brand(this, 'CQS', 'CountQueuingStrategy').hwm;
});
getter(CountQueuingStrategy.prototype, 'size', function () {
  brand(this, 'CQS', 'CountQueuingStrategy');
  return countSize;
});

/* ============================ encoding and compression streams ============================ */

/* A TransformStream whose algorithms are native functions: how the encoding and
 * compression streams are made, sharing one record layout with TransformStream. */
function makeNativeTS(o, transformFn, flushFn, kind) {
  var t = newTS(o);
  var startPromise = resolvedUndef();
  initializeTS(t, startPromise, 1, undef, 0, undef);
  var c = newTSDC();
  var enqueue = function (chunk) { TSDCEnqueue(c, chunk); };
  setUpTSDC(t, c, function (chunk) {
    try { transformFn(chunk, enqueue); return resolvedUndef(); } catch (e) { return rejected(e); }
  }, function () {
    try { flushFn(enqueue); return resolvedUndef(); } catch (e) { return rejected(e); }
  }, resolvedUndef);
  t.kind2 = kind;
  return t;
}
function tsPart(o, kind, what, part) {
  var t = isObject(o) ? o[K] : undef;
  if (!t || t.o !== o || t.kind !== 'TS' || t.kind2 !== kind) throw TypeErr('Illegal invocation: not a ' + what);
  return t[part].o;
}

function TextEncoderStream() {
  if (this === undef || !isObject(this) || this[K]) throw TypeErr("Constructor TextEncoderStream requires 'new'");
  var enc = N.newTextEncoder();
  makeNativeTS(this, function (chunk, enqueue) {
    var out = N.encodeChunk(enc, chunk);
    if (out !== null) enqueue(out);
  }, function (enqueue) {
    var out = N.encodeChunk(enc, null);
    if (out !== null) enqueue(out);
  }, 'TES');
}
getter(TextEncoderStream.prototype, 'encoding', function () { tsPart(this, 'TES', 'TextEncoderStream', 'readable'); return 'utf-8'; });
getter(TextEncoderStream.prototype, 'readable', function () { return tsPart(this, 'TES', 'TextEncoderStream', 'readable'); });
getter(TextEncoderStream.prototype, 'writable', function () { return tsPart(this, 'TES', 'TextEncoderStream', 'writable'); });

function TextDecoderStream(label, options) {
  if (this === undef || !isObject(this) || this[K]) throw TypeErr("Constructor TextDecoderStream requires 'new'");
  var dec = N.newTextDecoder(label, options);
  var t = makeNativeTS(this, function (chunk, enqueue) {
    if (N.viewType(chunk) < 0 && !N.isArrayBuffer(chunk)) throw TypeErr('TextDecoderStream accepts only BufferSource chunks');
    var s = N.decodeChunk(dec, chunk, true);
    if (s !== '') enqueue(s);
  }, function (enqueue) {
    var s = N.decodeChunk(dec, undef, false);
    if (s !== '') enqueue(s);
  }, 'TDS');
  t.decoder = dec;
}
function tdsDecoder(o) { tsPart(o, 'TDS', 'TextDecoderStream', 'readable'); return o[K].decoder; }
getter(TextDecoderStream.prototype, 'encoding', function () { return tdsDecoder(this).encoding; });
getter(TextDecoderStream.prototype, 'fatal', function () { return tdsDecoder(this).fatal; });
getter(TextDecoderStream.prototype, 'ignoreBOM', function () { return tdsDecoder(this).ignoreBOM; });
getter(TextDecoderStream.prototype, 'readable', function () { return tsPart(this, 'TDS', 'TextDecoderStream', 'readable'); });
getter(TextDecoderStream.prototype, 'writable', function () { return tsPart(this, 'TDS', 'TextDecoderStream', 'writable'); });

function makeZlibStream(self, format, inflate, what) {
  if (self === undef || !isObject(self) || self[K]) throw TypeErr('Constructor ' + what + " requires 'new'");
  format = '' + format;
  if (format !== 'gzip' && format !== 'deflate' && format !== 'deflate-raw') throw TypeErr("Unsupported compression format: '" + format + "'");
  var z = N.zlibNew(format, inflate);
  makeNativeTS(self, function (chunk, enqueue) {
    if (N.viewType(chunk) < 0 && !N.isArrayBuffer(chunk)) throw TypeErr(what + ' accepts only BufferSource chunks');
    var out = N.zlibPush(z, chunk, false);
    if (out !== null) enqueue(out);
  }, function (enqueue) {
    var out = N.zlibPush(z, null, true);
    if (out !== null) enqueue(out);
  }, what);
}
function CompressionStream(format) { makeZlibStream(this, format, false, 'CompressionStream'); }
function DecompressionStream(format) { makeZlibStream(this, format, true, 'DecompressionStream'); }
getter(CompressionStream.prototype, 'readable', function () { return tsPart(this, 'CompressionStream', 'CompressionStream', 'readable'); });
getter(CompressionStream.prototype, 'writable', function () { return tsPart(this, 'CompressionStream', 'CompressionStream', 'writable'); });
getter(DecompressionStream.prototype, 'readable', function () { return tsPart(this, 'DecompressionStream', 'DecompressionStream', 'readable'); });
getter(DecompressionStream.prototype, 'writable', function () { return tsPart(this, 'DecompressionStream', 'DecompressionStream', 'writable'); });

/* Cloudflare Workers' byte pass-through streams. IdentityTransformStream: a TransformStream
 * whose writable side takes ArrayBuffer or ArrayBufferView chunks only and whose readable
 * side gives them as Uint8Arrays (over the same bytes). FixedLengthStream(n): the same, and
 * exactly n bytes must go through (more is a TypeError on write, fewer on close). */
function makeIdentityStream(self, expected, what) {
  if (self === undef || !isObject(self) || self[K]) throw TypeErr('Constructor ' + what + " requires 'new'");
  var seen = 0;
  var t = makeNativeTS(self, function (chunk, enqueue) {
    var vt = N.viewType(chunk), view;
    if (vt < 0 && !N.isArrayBuffer(chunk)) throw TypeErr(what + ' accepts only ArrayBuffer or ArrayBufferView chunks');
    view = vt < 0 ? N.makeView(1, chunk, 0, N.abLength(chunk)) : N.makeView(1, chunk.buffer, chunk.byteOffset, chunk.byteLength);
    var n = view.byteLength;
    if (expected >= 0 && seen + n > expected) throw TypeErr('Attempt to write too many bytes through a FixedLengthStream.');
    seen += n;
    if (n > 0) enqueue(view);
  }, function () {
    if (expected >= 0 && seen !== expected) throw TypeErr('FixedLengthStream did not see all expected bytes before close().');
  }, 'ITS');
  /* A Response over the readable side announces the length (Content-Length), as on Workers:
   * the stream itself makes sure exactly that many bytes come, or errors. */
  if (expected >= 0) t.readable.fixedLength = expected;
}
function IdentityTransformStream() { makeIdentityStream(this, -1, 'IdentityTransformStream'); }
function FixedLengthStream(length) {
  var n = +length;
  if (!(n >= 0) || n !== n - n % 1 || n > 9007199254740991) throw TypeErr('FixedLengthStream requires a non-negative integer expected length');
  makeIdentityStream(this, n, 'FixedLengthStream');
}
IdentityTransformStream.prototype = N.create(TSProto);
FixedLengthStream.prototype = N.create(IdentityTransformStream.prototype);

/* ============================ for the C side ============================ */

/* A ReadableStream over chunks the C side hands over: pull() asks native code for more
 * (the host-facing producers: Blob.stream(), buffered bodies, fetch responses). */
function fromBytes(view) { /* one Uint8Array, then close */
  var sent = false;
  var s = createByteRS(noop, function () {
    var c = s.controller;
    if (!sent) {
      sent = true;
      if (view.byteLength > 0) RBCEnqueue(c, view, true);
    }
    RBCClose(c);
    if (c.pending.n > 0) RBCRespond(c, 0);
    return resolvedUndef();
  }, resolvedUndef);
  return s.o;
}

/* A stream fed by native code (a fetch() response body): a byte stream (the Fetch
 * standard's "set up with byte reading support", so a BYOB reader works on it), pull()
 * calls onPull(), cancel calls onCancel(reason). Its queue is measured in bytes against
 * highWaterMark, and enqueue answers the desiredSize after the chunk, which tells the
 * feeder when to pause its producer. The chunks are new Uint8Arrays nobody else holds, so
 * they go in without a copy (or are copied straight into a pending BYOB read's view). */
function nativeSource(onPull, onCancel, highWaterMark) {
  var s = createByteRS(noop, function () { onPull(); return resolvedUndef(); },
    function (r) { onCancel(r); return resolvedUndef(); }, highWaterMark);
  var c = s.controller;
  return {
    stream: s.o,
    enqueue: function (chunk) {
      if (!c.closeRequested && s.state === 'readable' && chunk.byteLength > 0) RBCEnqueue(c, chunk, true);
      var d = RBCGetDesiredSize(c);
      return d === null ? 0 : d;
    },
    close: function () {
      if (c.closeRequested || s.state !== 'readable') return;
      /* A BYOB read of a multi-byte type left with a partial element errors the stream
       * (RBCClose throws after erroring it); the feeder has nothing to do about that. */
      try { RBCClose(c); } catch (e) { return; }
      if (c.pending.n > 0) RBCRespond(c, 0);
    },
    error: function (e) { RBCError(c, e); }
  };
}

/* Reads every chunk of the stream into one Uint8Array (Body's "fully read"): resolves with
 * the bytes, rejects on a stream error or a chunk that is not a Uint8Array. With a limit,
 * a stream that gives more bytes is cancelled and the promise rejects with a RangeError
 * of message limitMsg. */
function readAllBytes(o, limit, limitMsg) {
  var s = isRecord(o, 'RS');
  var reader = acquireDefaultReader(s);
  var acc = N.newAccumulator();
  var p = newPromise();
  var total = 0;
  function step() {
    defaultReaderRead(reader, {
      chunk: function (chunk) {
        if (N.viewType(chunk) !== 1) {
          var e = TypeErr('Body stream chunks must be Uint8Array');
          rejectP(p, e);
          readerGenericCancel(reader, e);
          return;
        }
        total += chunk.byteLength;
        if (limit !== undef && total > limit) {
          var r = RangeErr(limitMsg);
          rejectP(p, r);
          readerGenericCancel(reader, r);
          return;
        }
        N.accumulate(acc, chunk);
        N.queueMicrotask(step);
      },
      close: function () { resolveP(p, N.accumulated(acc)); },
      error: function (e) { rejectP(p, e); }
    });
  }
  step();
  return p;
}

/* Host pump: reads chunks one at a time and hands each to onChunk(chunk) (which returns
 * true to keep reading); onEnd(error or undefined) once at the end. */
function pump(o, onChunk, onEnd) {
  var s = isRecord(o, 'RS');
  var reader = acquireDefaultReader(s);
  var state = { reader: reader, o: o };
  function step() {
    defaultReaderRead(reader, {
      chunk: function (chunk) { if (onChunk(chunk)) N.queueMicrotask(step); },
      close: function () { onEnd(undef, false); },
      error: function (e) { onEnd(e, true); }
    });
  }
  state.resume = step;
  state.cancel = function (reason) { return readerGenericCancel(reader, reason); };
  return state;
}

/* A stream over a body whose bytes were already consumed: locked and disturbed, as the
 * stream of a used body is. */
function markConsumed(o) {
  var s = isRecord(o, 'RS');
  if (!isRSLocked(s)) acquireDefaultReader(s);
  s.disturbed = true;
}
/* True when a body stream can still be read (neither disturbed nor locked). */
function isUsable(o) { var s = isRecord(o, 'RS'); return !!s && !s.disturbed && !isRSLocked(s); }
function isDisturbed(o) { var s = isRecord(o, 'RS'); return s ? s.disturbed : false; }
function isLocked(o) { var s = isRecord(o, 'RS'); return s ? isRSLocked(s) : false; }
function isReadable(o) { return !!isRecord(o, 'RS'); }
/* The byte length a FixedLengthStream's readable side will give, or -1. */
function fixedLength(o) {
  var s = isRecord(o, 'RS');
  return s && s.fixedLength !== undef ? s.fixedLength : -1;
}
function teeStream(o) {
  var b = RSTee(isRecord(o, 'RS'), true);
  return [b[0].o, b[1].o];
}

var names = ['ReadableStream', 'ReadableStreamDefaultReader', 'ReadableStreamBYOBReader',
  'ReadableStreamDefaultController', 'ReadableByteStreamController', 'ReadableStreamBYOBRequest',
  'WritableStream', 'WritableStreamDefaultWriter', 'WritableStreamDefaultController',
  'TransformStream', 'TransformStreamDefaultController', 'ByteLengthQueuingStrategy',
  'CountQueuingStrategy', 'TextEncoderStream', 'TextDecoderStream', 'CompressionStream',
  'DecompressionStream', 'IdentityTransformStream', 'FixedLengthStream'];
var ctors = [ReadableStream, ReadableStreamDefaultReader, ReadableStreamBYOBReader,
  ReadableStreamDefaultController, ReadableByteStreamController, ReadableStreamBYOBRequest,
  WritableStream, WritableStreamDefaultWriter, WritableStreamDefaultController,
  TransformStream, TransformStreamDefaultController, ByteLengthQueuingStrategy,
  CountQueuingStrategy, TextEncoderStream, TextDecoderStream, CompressionStream,
  DecompressionStream, IdentityTransformStream, FixedLengthStream];
var lengths = [0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 1];
for (var i = 0; i < names.length; i++) className(ctors[i], ctors[i].prototype, names[i], lengths[i]);
N.setProto(IdentityTransformStream, TransformStream); /* as `extends` makes it */
N.setProto(FixedLengthStream, IdentityTransformStream);

return {
  names: names,
  ctors: ctors,
  fromBytes: fromBytes,
  nativeSource: nativeSource,
  readAllBytes: readAllBytes,
  pump: pump,
  isDisturbed: isDisturbed,
  markConsumed: markConsumed,
  isUsable: isUsable,
  isLocked: isLocked,
  isReadable: isReadable,
  fixedLength: fixedLength,
  tee: teeStream
};
})
