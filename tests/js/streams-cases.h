/* Behaviour cases for the Streams tests (tests/js/test-streams.c). Each is the body of a
 * function returning a value or a promise of one, shown by STREAMS_PRELUDE's show(). They
 * are ES5 (what the sandbox runs without the compiler's lowering). The expected lines of
 * streams_cases are what Node 20 prints for the same snippets with the same prelude
 * (test-streams.c re-runs them through `node` when it is installed, so a drift in either
 * is caught); streams_spec_cases hold the places where Node departs from the Streams or
 * Compression standards, and what the standard says. */
#ifndef EDGEFN_TEST_STREAMS_CASES_H
#define EDGEFN_TEST_STREAMS_CASES_H

typedef struct streams_case {
  const char *body;
  const char *expected;
} streams_case;

#define STREAMS_PRELUDE                                                                    \
  "function show(v) {\n"                                                                   \
  "  if (v instanceof Uint8Array) return 'u8[' + Array.prototype.join.call(v, ',') + ']';\n" \
  "  if (Array.isArray(v)) return '[' + v.map(show).join(',') + ']';\n"                    \
  "  if (v === undefined) return 'undefined';\n"                                           \
  "  if (v !== null && typeof v === 'object' && typeof v.name === 'string' &&\n"           \
  "      typeof v.message === 'string') return 'Error:' + v.name;\n"                      \
  "  return JSON.stringify(v);\n"                                                          \
  "}\n"                                                                                    \
  "function collect(rs) {\n"                                                               \
  "  var r = rs.getReader(), out = [];\n"                                                  \
  "  function step() { return r.read().then(function (x) {\n"                             \
  "    if (x.done) return out; out.push(x.value); return step(); }); }\n"                  \
  "  return step();\n"                                                                     \
  "}\n"                                                                                    \
  "function hex(s) { var u = new Uint8Array(s.length / 2);\n"                              \
  "  for (var i = 0; i < u.length; i++) u[i] = parseInt(s.substr(i * 2, 2), 16);\n"        \
  "  return u; }\n"                                                                        \
  "function concat(chunks) { var n = 0, i; for (i = 0; i < chunks.length; i++)\n"          \
  "  n += chunks[i].length; var u = new Uint8Array(n), o = 0;\n"                           \
  "  for (i = 0; i < chunks.length; i++) { u.set(chunks[i], o); o += chunks[i].length; }\n" \
  "  return u; }\n"                                                                        \
  "function tick(n) { var p = Promise.resolve(); for (var i = 0; i < (n || 10); i++)\n"    \
  "  p = p.then(function () {}); return p; }\n"                                            \
  "function settle(p) { return Promise.resolve(p).then(function (v) { return v; },\n"      \
  "  function (e) { return e; }); }\n"                                                     \
  "function tryf(f) { try { return f(); } catch (e) { return e; } }\n"                     \
  "function seq(fns) { var out = [], i = 0; function step() {\n"                           \
  "  if (i === fns.length) return out; return Promise.resolve(fns[i++]()).then(\n"        \
  "    function (v) { out.push(v); return step(); }); } return step(); }\n"                \
  "function text(u) { return new TextDecoder().decode(u); }\n"

#define STREAMS_CASE(body, expected) {body, expected}

static const streams_case streams_cases[] = {
    /* ---- ReadableStream: queueing, desiredSize, pull ---- */
    {"var rs = new ReadableStream({start: function (c) { c.enqueue('a'); c.enqueue('b');"
     " c.close(); }}); return collect(rs);",
     "[\"a\",\"b\"]"},
    {"var ctrl; var rs = new ReadableStream({start: function (c) { ctrl = c; }},"
     " {highWaterMark: 3});"
     "var a = [ctrl.desiredSize]; ctrl.enqueue(1); a.push(ctrl.desiredSize);"
     "ctrl.enqueue(2); ctrl.enqueue(3); ctrl.enqueue(4); a.push(ctrl.desiredSize);"
     "return rs.getReader().read().then(function () { a.push(ctrl.desiredSize); return a; });",
     "[3,2,-1,0]"},
    {"var pulls = 0; var rs = new ReadableStream({pull: function (c) { pulls++;"
     " c.enqueue(pulls); if (pulls === 3) c.close(); }}, {highWaterMark: 0});"
     "return collect(rs).then(function (v) { return [pulls, v]; });",
     "[3,[1,2,3]]"},
    {"var pulls = 0; new ReadableStream({pull: function (c) { pulls++; c.enqueue('x'); }},"
     " {highWaterMark: 4}); return tick(20).then(function () { return pulls; });",
     "4"},
    {"var ctrl; new ReadableStream({start: function (c) { ctrl = c; }},"
     " new ByteLengthQueuingStrategy({highWaterMark: 10}));"
     "ctrl.enqueue(new Uint8Array(4)); var a = [ctrl.desiredSize];"
     "ctrl.enqueue(new Uint8Array(8)); a.push(ctrl.desiredSize); return a;",
     "[6,-2]"},
    {"var s = new CountQueuingStrategy({highWaterMark: 5});"
     "var b = new ByteLengthQueuingStrategy({highWaterMark: 7});"
     "return [s.highWaterMark, s.size('abc'), b.highWaterMark, b.size(new Uint8Array(3)),"
     " s.size === new CountQueuingStrategy({highWaterMark: 1}).size,"
     " tryf(function () { return new CountQueuingStrategy(); })];",
     "[5,1,7,3,true,Error:TypeError]"},
    {"var ctrl; new ReadableStream({start: function (c) { ctrl = c; }},"
     " {size: function () { return -1; }});"
     "return [tryf(function () { ctrl.enqueue('x'); }), ctrl.desiredSize];",
     "[Error:RangeError,null]"},
    {"var rs = new ReadableStream({start: function (c) { c.enqueue(1); c.close(); }});"
     "var r = rs.getReader(); return seq([function () { return r.read(); },"
     " function () { return r.read(); }, function () { return r.closed; }])"
     ".then(function (a) { return [a[0].value, a[0].done, a[1].value, a[1].done, a[2]]; });",
     "[1,false,undefined,true,undefined]"},
    /* ---- cancel, errors, locking ---- */
    {"var reason; var rs = new ReadableStream({cancel: function (r) { reason = r; }});"
     "return rs.cancel('why').then(function (res) { return [reason, res]; });",
     "[\"why\",undefined]"},
    {"var rs = new ReadableStream(); rs.getReader();"
     "var out = [rs.locked, tryf(function () { rs.getReader(); })];"
     "return settle(rs.cancel()).then(function (e) { out.push(e); return out; });",
     "[true,Error:TypeError,Error:TypeError]"},
    {"var rs = new ReadableStream({start: function () {"
     " return Promise.reject(new RangeError('boom')); }});"
     "return settle(rs.getReader().read()).then(function (e) { return [e, e.message]; });",
     "[Error:RangeError,\"boom\"]"},
    {"return tryf(function () { new ReadableStream({start: function () {"
     " throw new RangeError('sync'); }}); });",
     "Error:RangeError"},
    {"var ctrl; var rs = new ReadableStream({start: function (c) { ctrl = c; }});"
     "var r = rs.getReader(); var p = r.read(); ctrl.error('bad');"
     "return seq([function () { return settle(p); }, function () { return settle(r.closed); }]);",
     "[\"bad\",\"bad\"]"},
    {"var rs = new ReadableStream(); var r = rs.getReader(); var p = r.read();"
     "r.releaseLock(); var locked = rs.locked;"
     "return seq([function () { return settle(p); }, function () { return settle(r.closed); }])"
     ".then(function (a) { return [locked, a]; });",
     "[false,[Error:TypeError,Error:TypeError]]"},
    {"var rs = new ReadableStream({pull: function () { return Promise.reject('pullfail'); }});"
     "return settle(rs.getReader().read());",
     "\"pullfail\""},
    {"var ctrl; new ReadableStream({start: function (c) { ctrl = c; }}); ctrl.close();"
     "return [tryf(function () { ctrl.enqueue(1); }), tryf(function () { ctrl.close(); }),"
     " ctrl.desiredSize];",
     "[Error:TypeError,Error:TypeError,0]"},
    {"return [tryf(function () { new ReadableStream({type: 'nope'}); }),"
     " tryf(function () { new ReadableStream({}, {highWaterMark: -1}); }),"
     " tryf(function () { new ReadableStream({}, {highWaterMark: NaN}); }),"
     " tryf(function () { new ReadableStream({pull: 5}); }),"
     " tryf(function () { ReadableStream(); }),"
     " tryf(function () { new ReadableStreamDefaultController(); }),"
     " tryf(function () { new ReadableStream({type: 'bytes'},"
     " {size: function () { return 1; }}); }),"
     " tryf(function () { new ReadableStream(5); }),"
     " tryf(function () { new WritableStream({type: 'x'}); })];",
     "[Error:TypeError,Error:RangeError,Error:RangeError,Error:TypeError,Error:TypeError,"
     "Error:TypeError,Error:RangeError,Error:TypeError,Error:RangeError]"},
    {"return [Object.prototype.toString.call(new ReadableStream()),"
     " Object.prototype.toString.call(new WritableStream().getWriter()),"
     " typeof ReadableStream.prototype.getReader, ReadableStream.name,"
     " ReadableStream.length, WritableStream.length, TransformStream.length,"
     " ReadableStreamDefaultReader.length, CountQueuingStrategy.length,"
     " Object.keys(ReadableStream.prototype).sort().join()];",
     "[\"[object ReadableStream]\",\"[object WritableStreamDefaultWriter]\",\"function\","
     "\"ReadableStream\",0,0,0,1,1,\"cancel,getReader,locked,pipeThrough,pipeTo,tee,values\"]"},
    {"var rs = new ReadableStream();"
     "return [tryf(function () { return Object.getOwnPropertyDescriptor(ReadableStream.prototype,"
     " 'locked').get.call({}); }), settle(ReadableStream.prototype.cancel.call({}))]",
     "[Error:TypeError,{}]"},
    /* ---- tee ---- */
    {"var rs = new ReadableStream({start: function (c) { c.enqueue('x'); c.enqueue('y');"
     " c.close(); }}); var b = rs.tee();"
     "return seq([function () { return rs.locked; }, function () { return collect(b[0]); },"
     " function () { return collect(b[1]); }]);",
     "[true,[\"x\",\"y\"],[\"x\",\"y\"]]"},
    {"var reason; var rs = new ReadableStream({cancel: function (r) { reason = r; }});"
     "var b = rs.tee(); return Promise.all([b[0].cancel('r1'), b[1].cancel('r2')])"
     ".then(function () { return reason; });",
     "[\"r1\",\"r2\"]"},
    {"var ctrl; var rs = new ReadableStream({start: function (c) { ctrl = c; }});"
     "var b = rs.tee(); ctrl.error('E');"
     "return seq([function () { return settle(b[0].getReader().read()); },"
     " function () { return settle(b[1].getReader().read()); }]);",
     "[\"E\",\"E\"]"},
    {"var rs = new ReadableStream({start: function (c) { c.enqueue({n: 1}); c.close(); }});"
     "var b = rs.tee(); return Promise.all([collect(b[0]), collect(b[1])])"
     ".then(function (a) { return [a[0][0] === a[1][0], a[1][0].n]; });",
     "[true,1]"},
    /* ---- WritableStream ---- */
    {"var log = []; var ws = new WritableStream({write: function (ch) { log.push('w' + ch); },"
     " close: function () { log.push('close'); }}, {highWaterMark: 2});"
     "var w = ws.getWriter(); log.push(w.desiredSize); w.write(1); log.push(w.desiredSize);"
     "w.write(2); w.write(3); log.push(w.desiredSize);"
     "return w.close().then(function () { return log; });",
     "[2,1,-1,\"w1\",\"w2\",\"w3\",\"close\"]"},
    {"var log = [], release, readyDone = false; var ws = new WritableStream({write:"
     " function (ch) { log.push(ch); return new Promise(function (r) { release = r; }); }});"
     "var w = ws.getWriter();"
     "return w.ready.then(function () { w.write('a'); w.write('b');"
     " w.ready.then(function () { readyDone = true; }); return tick(); })"
     ".then(function () { log.push(readyDone); release(); return tick(); })"
     ".then(function () { log.push(readyDone); release(); return tick(); })"
     ".then(function () { log.push(readyDone, w.desiredSize); return log; });",
     "[\"a\",false,\"b\",false,true,1]"},
    {"var reason, sig; var ws = new WritableStream({start: function (c) { sig = c.signal; },"
     " abort: function (r) { reason = r; }}); var w = ws.getWriter();"
     "return w.abort('stop').then(function () { return seq([function () { return reason; },"
     " function () { return sig.aborted; }, function () { return sig.reason; },"
     " function () { return settle(w.closed); }, function () { return settle(w.write(1)); }]);"
     " });",
     "[\"stop\",true,\"stop\",\"stop\",\"stop\"]"},
    {"var ws = new WritableStream({write: function () { throw new Error('wfail'); }});"
     "var w = ws.getWriter();"
     "return seq([function () { return settle(w.write(1)); },"
     " function () { return settle(w.closed); }, function () { return settle(w.write(2)); }])"
     ".then(function (a) { return a.map(function (e) { return e.message; }); });",
     "[\"wfail\",\"wfail\",\"wfail\"]"},
    {"var ws = new WritableStream(); var w = ws.getWriter();"
     "var out = [tryf(function () { ws.getWriter(); })];"
     "return settle(ws.abort()).then(function (e) { out.push(e); w.releaseLock();"
     " out.push(ws.locked); return settle(w.closed); }).then(function (e) { out.push(e);"
     " return settle(ws.close()); }).then(function (v) { out.push(v); return out; });",
     "[Error:TypeError,Error:TypeError,false,Error:TypeError,undefined]"},
    {"var ws = new WritableStream({}, {highWaterMark: 0}); var w = ws.getWriter();"
     "return [w.desiredSize, tryf(function () { new WritableStream({},"
     " {size: 5}); })];",
     "[0,Error:TypeError]"},
    /* ---- TransformStream, pipeThrough, pipeTo ---- */
    {"var ts = new TransformStream({transform: function (ch, c) {"
     " c.enqueue(ch.toUpperCase()); }, flush: function (c) { c.enqueue('!'); }});"
     "var rs = new ReadableStream({start: function (c) { c.enqueue('ab'); c.enqueue('cd');"
     " c.close(); }}); return collect(rs.pipeThrough(ts));",
     "[\"AB\",\"CD\",\"!\"]"},
    {"var ts = new TransformStream(); var w = ts.writable.getWriter();"
     "var out = [w.desiredSize, ts.readable.locked]; w.write('p'); w.close();"
     "return collect(ts.readable).then(function (v) { out.push(v); return out; });",
     "[1,false,[\"p\"]]"},
    {"var ts = new TransformStream({start: function (c) { c.enqueue('s'); c.terminate(); }});"
     "return seq([function () { return collect(ts.readable); },"
     " function () { return settle(ts.writable.getWriter().write('x')); }]);",
     "[[\"s\"],Error:TypeError]"},
    {"var ts = new TransformStream({transform: function () { throw new TypeError('tx'); }});"
     "var rs = new ReadableStream({start: function (c) { c.enqueue(1); }});"
     "return settle(collect(rs.pipeThrough(ts))).then(function (e) { return [e, e.message]; });",
     "[Error:TypeError,\"tx\"]"},
    {"var cancelled; var ts = new TransformStream({cancel: function (r) { cancelled = r; }});"
     "return ts.readable.cancel('rc').then(function () { return settle("
     "ts.writable.getWriter().write(1)).then(function (e) { return [cancelled, e]; }); });",
     "[\"rc\",\"rc\"]"},
    {"var ts = new TransformStream({}, undefined, {highWaterMark: 2});"
     "var w = ts.writable.getWriter(); return tick().then(function () {"
     " var a = [w.desiredSize]; w.write(1); w.write(2); w.write(3);"
     " return tick().then(function () { a.push(w.desiredSize); return a; }); });",
     "[1,0]"},
    {"var got = [], closed = false;"
     "var ws = new WritableStream({write: function (c) { got.push(c); },"
     " close: function () { closed = true; }});"
     "var rs = new ReadableStream({start: function (c) { c.enqueue(1); c.enqueue(2);"
     " c.close(); }});"
     "return rs.pipeTo(ws).then(function (r) {"
     " return [got, closed, r, rs.locked, ws.locked]; });",
     "[[1,2],true,undefined,false,false]"},
    {"var closed = false; var ws = new WritableStream({close: function () { closed = true; }});"
     "var rs = new ReadableStream({start: function (c) { c.close(); }});"
     "return rs.pipeTo(ws, {preventClose: true}).then(function () {"
     " return [closed, ws.locked]; });",
     "[false,false]"},
    {"var abortReason; var ws = new WritableStream({abort: function (r) { abortReason = r; }});"
     "var rs = new ReadableStream({start: function (c) { c.error('srcErr'); }});"
     "return settle(rs.pipeTo(ws)).then(function (e) { return [e, abortReason]; });",
     "[\"srcErr\",\"srcErr\"]"},
    {"var abortReason = 'none';"
     "var ws = new WritableStream({abort: function (r) { abortReason = r; }});"
     "var rs = new ReadableStream({start: function (c) { c.error('srcErr'); }});"
     "return settle(rs.pipeTo(ws, {preventAbort: true})).then(function (e) {"
     " return ws.getWriter().close().then(function () { return [e, abortReason]; }); });",
     "[\"srcErr\",\"none\"]"},
    {"var cancelReason;"
     "var rs = new ReadableStream({cancel: function (r) { cancelReason = r; }});"
     "var ws = new WritableStream({start: function (c) { c.error('dstErr'); }});"
     "return settle(rs.pipeTo(ws)).then(function (e) { return [e, cancelReason]; });",
     "[\"dstErr\",\"dstErr\"]"},
    {"var cancelReason = 'none';"
     "var rs = new ReadableStream({cancel: function (r) { cancelReason = r; }});"
     "var ws = new WritableStream({start: function (c) { c.error('dstErr'); }});"
     "return settle(rs.pipeTo(ws, {preventCancel: true})).then(function (e) {"
     " return [e, cancelReason, rs.locked]; });",
     "[\"dstErr\",\"none\",false]"},
    {"var cancelReason, abortReason;"
     "var rs = new ReadableStream({cancel: function (r) { cancelReason = r; }});"
     "var ws = new WritableStream({abort: function (r) { abortReason = r; }});"
     "var ac = new AbortController(); var p = rs.pipeTo(ws, {signal: ac.signal});"
     "ac.abort(); return settle(p).then(function (e) {"
     " return [e.name, cancelReason.name, abortReason.name, e === cancelReason]; });",
     "[\"AbortError\",\"AbortError\",\"AbortError\",true]"},
    {"var cancelReason = 'none';"
     "var rs = new ReadableStream({cancel: function (r) { cancelReason = r; }});"
     "var ws = new WritableStream();"
     "var ac = new AbortController(); ac.abort('early');"
     "return settle(rs.pipeTo(ws, {signal: ac.signal, preventCancel: true}))"
     ".then(function (e) { return [e, cancelReason, rs.locked]; });",
     "[\"early\",\"none\",false]"},
    {"var ws = new WritableStream(); var cancelReason;"
     "var rs = new ReadableStream({cancel: function (r) { cancelReason = r; }});"
     "var w = ws.getWriter(); return w.close().then(function () { w.releaseLock();"
     " return settle(rs.pipeTo(ws)); })"
     ".then(function (e) { return [e, cancelReason instanceof TypeError]; });",
     "[Error:TypeError,true]"},
    {"var rs = new ReadableStream();"
     "return seq([function () { return settle(rs.pipeTo({})); },"
     " function () { return tryf(function () { rs.pipeThrough({readable: rs}); }); },"
     " function () { return settle(rs.pipeTo(new WritableStream(), {signal: 1})); },"
     " function () { rs.getReader(); return settle(rs.pipeTo(new WritableStream())); }]);",
     "[Error:TypeError,Error:TypeError,Error:TypeError,Error:TypeError]"},
    /* Backpressure through a pipe: the source is pulled only as the sink drains. */
    {"var pulls = 0, seen = [], release;"
     "var rs = new ReadableStream({pull: function (c) { pulls++; c.enqueue(pulls); }},"
     " {highWaterMark: 0});"
     "var ws = new WritableStream({write: function (ch) { seen.push(ch);"
     " return new Promise(function (r) { release = r; }); }}, {highWaterMark: 1});"
     "rs.pipeTo(ws); var a;"
     "return tick(30).then(function () { a = pulls; release(); return tick(30); })"
     ".then(function () { return [a, pulls, seen]; });",
     "[1,2,[1,2]]"},
    /* ---- async iteration, ReadableStream.from ---- */
    {"var rs = new ReadableStream({start: function (c) { c.enqueue(1); c.enqueue(2);"
     " c.close(); }}); var it = rs[Symbol.asyncIterator](), out = [];"
     "function step() { return it.next().then(function (x) { if (x.done) return [out,"
     " rs.locked]; out.push(x.value); return step(); }); } return step();",
     "[[1,2],false]"},
    {"var cancelled = []; var rs = new ReadableStream({start: function (c) { c.enqueue(1);"
     " c.enqueue(2); }, cancel: function (r) { cancelled.push(r); }});"
     "var it = rs.values(); return it.next().then(function (x) { return it.return('done'); })"
     ".then(function (r) { return [r.value, r.done, cancelled, rs.locked]; });",
     "[\"done\",true,[\"done\"],false]"},
    {"var cancelled = 0; var rs = new ReadableStream({start: function (c) { c.enqueue(1);"
     " c.enqueue(2); }, cancel: function () { cancelled++; }});"
     "var it = rs.values({preventCancel: true});"
     "return it.next().then(function () { return it.return(); }).then(function () {"
     " return rs.getReader().read(); }).then(function (x) { return [cancelled, x.value]; });",
     "[0,2]"},
    {"var it = new ReadableStream()[Symbol.asyncIterator]();"
     "return [typeof it.next, typeof it.return, it[Symbol.asyncIterator]() === it,"
     " ReadableStream.prototype[Symbol.asyncIterator] === ReadableStream.prototype.values];",
     "[\"function\",\"function\",true,true]"},
    {"var ctrl; var rs = new ReadableStream({start: function (c) { ctrl = c; }});"
     "var it = rs.values(); var p = it.next(); ctrl.error('itErr');"
     "return seq([function () { return settle(p); }, function () { return it.next(); }])"
     ".then(function (a) { return [a[0], a[1].done, rs.locked]; });",
     "[\"itErr\",true,false]"},
    {"return collect(ReadableStream.from(['a', 'b', Promise.resolve('c')]));",
     "[\"a\",\"b\",\"c\"]"},
    {"var o = {}, i = 0, returned = 0; o[Symbol.asyncIterator] = function () { return {"
     " next: function () { i++; return Promise.resolve(i <= 2 ? {value: i, done: false} :"
     " {value: undefined, done: true}); },"
     " 'return': function () { returned++; return Promise.resolve({done: true}); } }; };"
     "return seq([function () { return collect(ReadableStream.from(o)); },"
     " function () { i = 0; return ReadableStream.from(o).cancel('x'); },"
     " function () { return returned; }]);",
     "[[1,2],undefined,1]"},
    {"return [tryf(function () { ReadableStream.from(5); }),"
     " tryf(function () { ReadableStream.from({}); })];",
     "[Error:TypeError,Error:TypeError]"},
    /* ---- byte streams, BYOB ---- */
    {"var rs = new ReadableStream({type: 'bytes', pull: function (c) {"
     " var v = c.byobRequest.view; v[0] = 1; v[1] = 2; c.byobRequest.respond(2);"
     " c.close(); }});"
     "var r = rs.getReader({mode: 'byob'});"
     "return seq([function () { return r.read(new Uint8Array(4)); },"
     " function () { return r.read(new Uint8Array(4)); }]).then(function (a) {"
     " return [a[0].value, a[0].done, a[0].value.byteOffset, a[1].value.byteLength,"
     " a[1].done]; });",
     "[u8[1,2],false,0,0,true]"},
    {"var rs = new ReadableStream({type: 'bytes', start: function (c) {"
     " c.enqueue(new Uint8Array([1, 2, 3])); c.enqueue(new Uint8Array([4, 5])); c.close();"
     " }}); var r = rs.getReader({mode: 'byob'}), out = [];"
     "function step() { return r.read(new Uint8Array(2)).then(function (x) {"
     " if (x.done) return out; out.push(x.value); return step(); }); } return step();",
     "[u8[1,2],u8[3,4],u8[5]]"},
    {"var rs = new ReadableStream({type: 'bytes', start: function (c) {"
     " c.enqueue(new Uint8Array([1, 0, 2, 0, 3])); c.close(); }});"
     "var r = rs.getReader({mode: 'byob'});"
     "return r.read(new Uint16Array(4)).then(function (x) {"
     " return [x.value.constructor.name, x.value.length, x.value[0], x.value[1]]; });",
     "[\"Uint16Array\",2,1,2]"},
    {"var rs = new ReadableStream({type: 'bytes', autoAllocateChunkSize: 8,"
     " pull: function (c) { var v = c.byobRequest.view; v[0] = 42; c.byobRequest.respond(1);"
     " c.close(); }});"
     "return rs.getReader().read().then(function (x) {"
     " return [x.value, x.value.buffer.byteLength]; });",
     "[u8[42],8]"},
    {"var rs = new ReadableStream({type: 'bytes', start: function (c) {"
     " c.enqueue(new Uint8Array([7, 8])); c.close(); }}); return collect(rs);",
     "[u8[7,8]]"},
    {"var rs = new ReadableStream({type: 'bytes'}); var d = new ReadableStream();"
     "var out = [tryf(function () { d.getReader({mode: 'byob'}); }),"
     " tryf(function () { rs.getReader({mode: 'nope'}); })];"
     "var r = rs.getReader({mode: 'byob'}); var ctrl;"
     "new ReadableStream({type: 'bytes', start: function (c) { ctrl = c; }});"
     "out.push(tryf(function () { ctrl.enqueue('str'); }));"
     "out.push(tryf(function () { ctrl.enqueue(new Uint8Array(0)); }));"
     "return seq([function () { return settle(r.read(new Uint8Array(0))); },"
     " function () { return settle(r.read({})); }]).then(function (a) {"
     " return out.concat(a); });",
     "[Error:TypeError,Error:TypeError,Error:TypeError,Error:TypeError,Error:TypeError,"
     "Error:TypeError]"},
    {"var rs = new ReadableStream({type: 'bytes', start: function (c) {"
     " c.enqueue(new Uint8Array([1, 2, 3])); c.close(); }});"
     "var b = rs.tee(); return seq([function () { return collect(b[0]); },"
     " function () { return collect(b[1]); }]);",
     "[[u8[1,2,3]],[u8[1,2,3]]]"},
    {"var ctrl; new ReadableStream({type: 'bytes', start: function (c) { ctrl = c; }},"
     " {highWaterMark: 10}); var a = [ctrl.desiredSize];"
     "ctrl.enqueue(new Uint8Array(4)); a.push(ctrl.desiredSize); return a;",
     "[10,6]"},
    {"var src = new Uint8Array([1, 2, 3]); var rs = new ReadableStream({type: 'bytes',"
     " start: function (c) { c.enqueue(src); c.close(); }});"
     "return rs.getReader().read().then(function (x) { return x.value; });",
     "u8[1,2,3]"},
    {"var rs = new ReadableStream({type: 'bytes', pull: function (c) {"
     " var v = c.byobRequest.view;"
     " c.byobRequest.respondWithNewView(new Uint8Array(v.buffer, v.byteOffset, 1)); }});"
     "var r = rs.getReader({mode: 'byob'}); return r.read(new Uint8Array(3))"
     ".then(function (x) { return [x.value.length, x.value.buffer.byteLength]; });",
     "[1,3]"},
    /* ---- ArrayBuffer transfer (detach) and ReadableByteStreamTee ---- */
    /* enqueue detaches the chunk; a BYOB read detaches its view, even on a closed stream;
     * respond/respondWithNewView/enqueue detach the BYOB request's view; a detached view
     * cannot be read into; tee branches are byte streams whose BYOB reads reach the
     * source's byobRequest, with chunks copied per branch; releaseLock with a pending BYOB
     * read; a DataView write whose value's valueOf detaches the buffer writes nothing. */
    {
     "var ctrl; new ReadableStream({type: 'bytes', start: function (c) { ctrl = c; }}); "
     "var ab = new ArrayBuffer(8); var u = new Uint8Array(ab, 2, 4); ctrl.enqueue(u); "
     "return [u.byteLength, u.length, u.byteOffset, ab.byteLength, tryf(function () { ctrl.enqueue(u); }).name];",
     "[0,0,0,0,\"TypeError\"]"},
    {
     "var rs = new ReadableStream({type: 'bytes', start: function (c) { c.close(); }}); "
     "var v = new Uint16Array(4); return rs.getReader({mode: 'byob'}).read(v).then(function (x) { "
     "return [x.done, x.value.constructor.name, x.value.length, x.value.buffer.byteLength, v.byteLength, v.buffer.byteLength]; });",
     "[true,\"Uint16Array\",0,8,0,0]"},
    {
     "var saved; var rs = new ReadableStream({type: 'bytes', pull: function (c) { saved = c.byobRequest.view; saved[0] = 7; c.byobRequest.respond(1); }}); "
     "return rs.getReader({mode: 'byob'}).read(new Uint8Array(4)).then(function (x) { return [x.value, saved.byteLength, saved.buffer.byteLength, x.value.buffer.byteLength]; });",
     "[u8[7],0,0,4]"},
    {
     "var given; var rs = new ReadableStream({type: 'bytes', pull: function (c) { var v = c.byobRequest.view; given = new Uint8Array(v.buffer, v.byteOffset, 2); given[0] = 1; given[1] = 2; c.byobRequest.respondWithNewView(given); }}); "
     "return rs.getReader({mode: 'byob'}).read(new Uint8Array(4)).then(function (x) { return [x.value, given.byteLength, x.value.buffer.byteLength]; });",
     "[u8[1,2],0,4]"},
    {
     "var saved; var rs = new ReadableStream({type: 'bytes', pull: function (c) { saved = c.byobRequest.view; c.enqueue(new Uint8Array([9, 8])); }}); "
     "return rs.getReader({mode: 'byob'}).read(new Uint8Array(4)).then(function (x) { return [x.value, saved.byteLength, saved.buffer.byteLength]; });",
     "[u8[9,8],0,0]"},
    {
     "var rs = new ReadableStream({type: 'bytes'}); var r = rs.getReader({mode: 'byob'}); var v = new Uint8Array(4); "
     "r.read(v).catch(function () {}); return settle(r.read(v)).then(function (e) { return [e.name, v.byteLength]; });",
     "[\"TypeError\",0]"},
    {
     "var rs = new ReadableStream({type: 'bytes', start: function (c) { c.enqueue(new Uint8Array([1, 2, 3])); c.enqueue(new Uint8Array([4])); c.close(); }}); "
     "var b = rs.tee(); var r1 = b[0].getReader({mode: 'byob'}), r2 = b[1].getReader({mode: 'byob'}); "
     "return seq([function () { return r1.read(new Uint8Array(2)); }, function () { return r2.read(new Uint8Array(8)); }, "
     "function () { return r1.read(new Uint8Array(8)); }, function () { return r2.read(new Uint8Array(8)); }, "
     "function () { return r1.read(new Uint8Array(8)); }, function () { return r2.read(new Uint8Array(8)); }]).then(function (a) { "
     "return a.map(function (x) { return [x.value, x.done]; }); });",
     "[[u8[1,2],false],[u8[1,2],false],[u8[3,4],false],[u8[3,4],false],[u8[],true],[u8[],true]]"},
    {
     "var rs = new ReadableStream({type: 'bytes', start: function (c) { c.enqueue(new Uint8Array([1, 2])); c.close(); }}); "
     "var b = rs.tee(); return Promise.all([b[0].getReader().read(), b[1].getReader().read()]).then(function (a) { "
     "var x = a[0].value, y = a[1].value; x[0] = 99; return [x, y, x.buffer === y.buffer]; });",
     "[u8[99,2],u8[1,2],false]"},
    {
     "var views = []; var n = 0; var rs = new ReadableStream({type: 'bytes', pull: function (c) { "
     "var br = c.byobRequest; views.push(br ? br.view.byteLength : null); "
     "if (n++ < 2) { if (br) { br.view[0] = n; br.respond(1); } else c.enqueue(new Uint8Array([n])); } else { c.close(); if (br) br.respond(0); } }}); "
     "var b = rs.tee(); var r1 = b[0].getReader({mode: 'byob'}); "
     "return seq([function () { return r1.read(new Uint8Array(5)); }, function () { return r1.read(new Uint8Array(3)); }, function () { return r1.read(new Uint8Array(3)); }, function () { return collect(b[1]); }]).then(function (a) { "
     "return [a[0].value, a[1].value, a[2].done, a[3], views]; });",
     "[u8[1],u8[2],true,[u8[1],u8[2]],[5,3,3]]"},
    {
     "var reason; var rs = new ReadableStream({type: 'bytes', cancel: function (r) { reason = r; }}); "
     "var b = rs.tee(); return Promise.all([b[0].cancel('a'), b[1].cancel('b')]).then(function () { return reason; });",
     "[\"a\",\"b\"]"},
    {
     "var ctrl; var rs = new ReadableStream({type: 'bytes', start: function (c) { ctrl = c; }}); "
     "var b = rs.tee(); var p1 = settle(b[0].getReader({mode: 'byob'}).read(new Uint8Array(2))), p2 = settle(b[1].getReader().read()); "
     "return tick().then(function () { ctrl.error(new RangeError('boom')); return Promise.all([p1, p2]); });",
     "[Error:RangeError,Error:RangeError]"},
    {
     "var b = new ReadableStream({type: 'bytes'}).tee(); var r = b[0].getReader({mode: 'byob'}); "
     "return [b[0] instanceof ReadableStream, tryf(function () { return b[1].getReader({mode: 'byob'}) instanceof ReadableStreamBYOBReader; })];",
     "[true,true]"},
    {
     "var ctrl; var rs = new ReadableStream({type: 'bytes', start: function (c) { ctrl = c; c.enqueue(new Uint8Array([1, 2, 3])); }}); "
     "var r = rs.getReader({mode: 'byob'}); return r.read(new Uint8Array(3)).then(function (x) { "
     "var q = r.read(new Uint8Array(5)); r.releaseLock(); return settle(q).then(function (e) { "
     "var r2 = rs.getReader(); var p = r2.read(); ctrl.enqueue(new Uint8Array([4])); return p.then(function (y) { return [x.value, e.name, y.value]; }); }); });",
     "[u8[1,2,3],\"TypeError\",u8[4]]"},
    {
     "var rs = new ReadableStream({type: 'bytes', pull: function (c) { var v = c.byobRequest.view; v[0] = 1; v[1] = 0; v[2] = 2; v[3] = 0; c.byobRequest.respond(4); }}); "
     "var r = rs.getReader({mode: 'byob'}); return r.read(new Uint16Array(2), {min: 2}).then(function (x) { return [x.value.length, x.value[0]]; });",
     "[2,1]"},
    {
     "var r = new Response('hello'); var c = r.clone(); var br = c.body.getReader({mode: 'byob'}); "
     "return Promise.all([r.text(), br.read(new Uint8Array(3))]).then(function (a) { return [a[0], a[1].value]; });",
     "[\"hello\",u8[104,101,108]]"},
    {
     "var rs = new ReadableStream({type: 'bytes', autoAllocateChunkSize: 16, pull: function (c) { var v = c.byobRequest.view; v[0] = 3; c.byobRequest.respond(1); c.close(); }}); "
     "var b = rs.tee(); return Promise.all([collect(b[0]), collect(b[1])]);",
     "[[u8[3]],[u8[3]]]"},
    {
     "var x = new Uint8Array([1, 2, 3, 4]); var ctrl; var rs = new ReadableStream({type: 'bytes', start: function (c) { ctrl = c; }}); "
     "var bad = { valueOf: function () { ctrl.enqueue(x); return 1; } }; "
     "var dv = new DataView(x.buffer); var r = tryf(function () { dv.setUint8(0, bad); return 'ok'; }); "
     "return [x.byteLength, typeof r];",
     "[0,\"object\"]"},

    /* respond() after enqueue invalidated the request; BYOB reads into a DataView and into a
     * subarray keep the view's offset; values() and pipeTo() of byte streams; a tee with
     * one branch cancelled and the other read; BYOB readers on Blob and string
     * bodies; the source's byobRequest seen through a tee; desiredSize of a byte stream. */
    {
     "var saved; var rs = new ReadableStream({type: 'bytes', pull: function (c) { saved = c.byobRequest; c.enqueue(new Uint8Array([1])); }}); "
     "var r = rs.getReader({mode: 'byob'}); return r.read(new Uint8Array(3)).then(function (x) { return [x.value, tryf(function () { saved.respond(1); }).name, saved.view]; });",
     "[u8[1],\"TypeError\",null]"},
    {
     "var rs = new ReadableStream({type: 'bytes', start: function (c) { c.enqueue(new Uint8Array([1, 2, 3, 4, 5])); c.close(); }}); "
     "var ab = new ArrayBuffer(10); var dv = new DataView(ab, 2, 4); "
     "return rs.getReader({mode: 'byob'}).read(dv).then(function (x) { return [x.value.constructor.name, x.value.byteOffset, x.value.byteLength, x.value.getUint8(0), ab.byteLength]; });",
     "[\"DataView\",2,4,1,0]"},
    {
     "var rs = new ReadableStream({type: 'bytes', start: function (c) { c.enqueue(new Uint8Array([1, 2, 3, 4, 5])); c.close(); }}); "
     "var big = new Uint8Array(10); var sub = big.subarray(3, 6); "
     "return rs.getReader({mode: 'byob'}).read(sub).then(function (x) { return [x.value, x.value.byteOffset, sub.length, sub.byteLength]; });",
     "[u8[1,2,3],3,0,0]"},
    {
     "var rs = new ReadableStream({type: 'bytes', start: function (c) { c.enqueue(new Uint8Array([1])); c.enqueue(new Uint8Array([2, 3])); c.close(); }}); "
     "var out = []; var it = rs.values(); function step() { return it.next().then(function (x) { if (x.done) return out; out.push(x.value); return step(); }); } return step();",
     "[u8[1],u8[2,3]]"},
    {
     "var rs = new ReadableStream({type: 'bytes', start: function (c) { c.enqueue(new Uint8Array([1])); c.enqueue(new Uint8Array([2, 3])); c.close(); }}); "
     "var got = []; return rs.pipeTo(new WritableStream({write: function (c) { got.push(c); }})).then(function () { return got; });",
     "[u8[1],u8[2,3]]"},
    {
     "var r = new Response(new Blob(['abcdef'])); var br = r.body.getReader({mode: 'byob'}); "
     "return br.read(new Uint8Array(4)).then(function (x) { return [x.value, r.bodyUsed]; });",
     "[u8[97,98,99,100],true]"},
    {
     "var r = new Request('http://x/', {method: 'POST', body: 'qwerty'}); var br = r.body.getReader({mode: 'byob'}); "
     "return br.read(new Uint16Array(2)).then(function (x) { return [x.value.length, x.value.byteLength]; });",
     "[2,4]"},
    {
     "var ctrl; var rs = new ReadableStream({type: 'bytes', start: function (c) { ctrl = c; }}); "
     "var b = rs.tee(); var r1 = b[0].getReader({mode: 'byob'}); var p = r1.read(new Uint8Array(4)); var p2 = b[1].getReader().read(); "
     "return tick().then(function () { var req = ctrl.byobRequest; var info = [req === null ? null : req.view.byteLength]; if (req) { req.view[0] = 9; req.respond(1); } else ctrl.enqueue(new Uint8Array([9])); "
     "return Promise.all([p, p2]).then(function (a) { return info.concat([a[0].value, a[1].value]); }); });",
     "[4,u8[9],u8[9]]"},
    {
     "var rs = new ReadableStream({type: 'bytes', start: function (c) { c.enqueue(new Uint8Array([1, 2])); c.close(); }}); "
     "var b = rs.tee(); return Promise.all([b[0].cancel('a'), collect(b[1])]);",
     "[undefined,[u8[1,2]]]"},
    {
     "var ctrl; var rs = new ReadableStream({type: 'bytes', start: function (c) { ctrl = c; }}, {highWaterMark: 4}); "
     "var a = [ctrl.desiredSize]; ctrl.enqueue(new Uint8Array(3)); a.push(ctrl.desiredSize); var r = rs.getReader({mode: 'byob'}); "
     "return r.read(new Uint8Array(2)).then(function (x) { a.push(x.value.byteLength, ctrl.desiredSize); return a; });",
     "[4,1,2,3]"},

    /* ---- encoding and compression streams, Blob.stream ---- */
    {"var te = new TextEncoderStream(); var w = te.writable.getWriter();"
     "w.write('h\\u00e9'); w.write('\\ud83d'); w.write('\\ude00!'); w.close();"
     "return collect(te.readable).then(function (c) { return [te.encoding, concat(c)]; });",
     "[\"utf-8\",u8[104,195,169,240,159,152,128,33]]"},
    {"var te = new TextEncoderStream(); var w = te.writable.getWriter();"
     "w.write('a\\ud83d'); w.close();"
     "return collect(te.readable).then(concat);",
     "u8[97,239,191,189]"},
    {"var td = new TextDecoderStream(); var w = td.writable.getWriter();"
     "w.write(new Uint8Array([104, 195])); w.write(new Uint8Array([169, 240, 159]));"
     "w.write(new Uint8Array([152, 128])); w.close();"
     "return collect(td.readable).then(function (c) {"
     " return [td.encoding, td.fatal, td.ignoreBOM, c.length,"
     " c.join('|') === 'h|\\u00e9|\\ud83d\\ude00']; });",
     "[\"utf-8\",false,false,3,true]"},
    {"var td = new TextDecoderStream('utf-8', {fatal: true}); var w = td.writable.getWriter();"
     "w.write(new Uint8Array([0xff])).catch(function () {});"
     "w.close().catch(function () {}); return settle(collect(td.readable));",
     "Error:TypeError"},
    {"var td = new TextDecoderStream(); var w = td.writable.getWriter();"
     "w.write(new Uint8Array([0xe2, 0x82])); w.close();"
     "return collect(td.readable).then(function (c) { return [c.length,"
     " c[0] === '\\ufffd']; });",
     "[1,true]"},
    {"var td = new TextDecoderStream('utf-16le'); var w = td.writable.getWriter();"
     "w.write(new Uint8Array([0x68, 0])); w.write(new Uint8Array([0x69]));"
     "w.write(new Uint8Array([0])); w.close();"
     "return collect(td.readable).then(function (c) { return [td.encoding, c.join('')]; });",
     "[\"utf-16le\",\"hi\"]"},
    {"var f = ['gzip', 'deflate', 'deflate-raw']; var big = 'round trip '.repeat(1000);"
     "return seq(f.map(function (fmt) { return function () {"
     " var data = new TextEncoder().encode(big); var z;"
     " return collect(new Blob([data]).stream().pipeThrough(new CompressionStream(fmt)))"
     " .then(function (c) { z = concat(c); return collect(new Blob([z]).stream()"
     " .pipeThrough(new DecompressionStream(fmt))); }).then(function (c) {"
     " var back = concat(c); return [fmt, z.length < 200, back.length, text(back) === big];"
     " }); }; }));",
     "[[\"gzip\",true,11000,true],[\"deflate\",true,11000,true],[\"deflate-raw\",true,11000,"
     "true]]"},
    /* Vectors made by Node's zlib (gzipSync, deflateSync, deflateRawSync) of the text below. */
    {"var v = [['gzip', '1f8b08000000000000030b2e294a4dcc2d5628c928ca2f4dcf50a8cac94cb252c848"
     "cdc9c9c72415014cb9a6362e000000'], ['deflate', '789c0b2e294a4dcc2d5628c928ca2f4dcf50a8ca"
     "c94cb252c848cdc9c9c7241501979210fd'], ['deflate-raw', '0b2e294a4dcc2d5628c928ca2f4dcf50"
     "a8cac94cb252c848cdc9c9c7241501']];"
     "return seq(v.map(function (e) { return function () {"
     " var ds = new DecompressionStream(e[0]); var w = ds.writable.getWriter();"
     " var b = hex(e[1]); w.write(b.subarray(0, 5)); w.write(b.subarray(5)); w.close();"
     " return collect(ds.readable).then(function (c) { return text(concat(c)); }); }; }));",
     "[\"Streams through zlib: hello hello hello hello!\",\"Streams through zlib: hello hello "
     "hello hello!\",\"Streams through zlib: hello hello hello hello!\"]"},
    {"return [tryf(function () { new CompressionStream('zip'); }),"
     " tryf(function () { new DecompressionStream(); })];",
     "[Error:TypeError,Error:TypeError]"},
    {"var b = new Blob(['hello ', 'blob']); var s = b.stream();"
     "return collect(s).then(function (c) { return [s instanceof ReadableStream,"
     " text(concat(c))]; });",
     "[true,\"hello blob\"]"},
    {"var r = new Blob(['xyz']).stream().getReader({mode: 'byob'});"
     "return r.read(new Uint8Array(2)).then(function (x) { return x.value; });",
     "u8[120,121]"},
    /* ---- Request and Response bodies as streams ---- */
    {"var r = new Response('abc'); var b = r.body;"
     "return collect(b).then(function (c) { return [b instanceof ReadableStream, r.body === b,"
     " text(concat(c)), r.bodyUsed]; }).then(function (a) {"
     " return settle(r.text()).then(function (e) { a.push(e); return a; }); });",
     "[true,true,\"abc\",true,Error:TypeError]"},
    {"return [new Response(null).body, new Response().body, new Request('http://x/').body,"
     " new Response('').body instanceof ReadableStream];",
     "[null,null,null,true]"},
    {"var enc = new TextEncoder(); var rs = new ReadableStream({start: function (c) {"
     " c.enqueue(enc.encode('hel')); c.enqueue(enc.encode('lo')); c.close(); }});"
     "var r = new Response(rs); var used = r.bodyUsed;"
     "return r.text().then(function (t) { return [used, t, r.bodyUsed, r.body === rs]; });",
     "[false,\"hello\",true,true]"},
    {"var rs = new ReadableStream(); rs.getReader();"
     "return [tryf(function () { new Response(rs); }),"
     " tryf(function () { new Response(new ReadableStream(), {status: 204}); })];",
     "[Error:TypeError,Error:TypeError]"},
    {"var rs = new ReadableStream({start: function (c) { c.enqueue('not bytes'); c.close(); }});"
     "return settle(new Response(rs).text());",
     "Error:TypeError"},
    {"var enc = new TextEncoder(); var rs = new ReadableStream({start: function (c) {"
     " c.enqueue(enc.encode('{\"a\":')); c.enqueue(enc.encode('[1,2]}')); c.close(); }});"
     "var r = new Response(rs); var c = r.clone();"
     "return Promise.all([r.json(), c.text()]).then(function (a) {"
     " return [a[0].a, a[1], r.bodyUsed, c.bodyUsed]; });",
     "[[1,2],\"{\\\"a\\\":[1,2]}\",true,true]"},
    {"var r = new Response('fast'); var b = r.body;"
     "return r.text().then(function (t) { return [t, b.locked, r.bodyUsed,"
     " tryf(function () { r.clone(); })]; });",
     "[\"fast\",true,true,Error:TypeError]"},
    {"var r = new Response('x'); var rd = r.body.getReader(); return rd.read().then(function () {"
     " return [r.bodyUsed, tryf(function () { r.clone(); })]; });",
     "[true,Error:TypeError]"},
    {"var enc = new TextEncoder(); var rs = new ReadableStream({start: function (c) {"
     " c.enqueue(enc.encode('posted')); c.close(); }});"
     "var q = new Request('http://x/', {method: 'POST', body: rs, duplex: 'half'});"
     "return q.arrayBuffer().then(function (ab) { return [ab.byteLength,"
     " text(new Uint8Array(ab))]; });",
     "[6,\"posted\"]"},
    {"var big = 'compress me '.repeat(500);"
     "var gz = new Response(big).body.pipeThrough(new CompressionStream('gzip'));"
     "return new Response(gz).arrayBuffer().then(function (ab) {"
     " return new Response(new Response(ab).body.pipeThrough("
     "new DecompressionStream('gzip'))).text(); }).then(function (t) { return t === big; });",
     "true"},
    {"var r = new Response(new Blob(['blob body'])); return collect(r.body).then(function (c) {"
     " return text(concat(c)); });",
     "\"blob body\""},
};

/* Where Node 20 departs from the standards. */
static const streams_case streams_spec_cases[] = {
    /* WebIDL converts the strategy dictionaries with the arguments, before the steps read
     * the underlying source's members, and reads dictionary members in lexicographic
     * order (Node reads size before highWaterMark and the source first). */
    {"var log = []; new ReadableStream({get start() { log.push('start'); },"
     " get pull() { log.push('pull'); }, get type() { log.push('type'); } },"
     " {get highWaterMark() { log.push('hwm'); return 1; },"
     " get size() { log.push('size'); }}); return log;",
     "[\"hwm\",\"size\",\"pull\",\"start\",\"type\"]"},
    {"var log = []; new TransformStream({get transform() { log.push('t'); },"
     " get flush() { log.push('f'); } }, {get highWaterMark() { log.push('w'); }},"
     " {get highWaterMark() { log.push('r'); }}); return log;",
     "[\"w\",\"r\",\"f\",\"t\"]"},
    /* Compression Standard: corrupt or truncated input is a TypeError (Node: zlib's Error). */
    {"return seq([[1, 2, 3, 4], [0x1f, 0x8b, 8, 0]].map(function (bytes) { return function () {"
     " var ds = new DecompressionStream('gzip'); var w = ds.writable.getWriter();"
     " w.write(new Uint8Array(bytes)).catch(function () {}); w.close().catch(function () {});"
     " return settle(collect(ds.readable)); }; }));",
     "[Error:TypeError,Error:TypeError]"},
    /* Trailing data after the end of a compressed stream is an error too. */
    {"var ds = new DecompressionStream('deflate-raw'); var w = ds.writable.getWriter();"
     "w.write(hex('0b2e294a4dcc2d5628c928ca2f4dcf50a8cac94cb252c848cdc9c9c7241501ff'))"
     ".catch(function () {}); w.close().catch(function () {});"
     "return settle(collect(ds.readable));",
     "Error:TypeError"},
    /* The algorithms never call script-replaceable intrinsics (Node's pipeTo calls a
     * patched Promise.prototype.then twice). */
    {"var saved = [Promise.prototype.then, Array.prototype.push, Function.prototype.call,"
     " Function.prototype.apply, Array.prototype.shift];"
     "var calls = 0; var then = saved[0];"
     "Promise.prototype.then = function (a, b) { calls++; return then.call(this, a, b); };"
     "Array.prototype.shift = function () { throw new Error('patched'); };"
     "Array.prototype.push = function () { throw new Error('patched'); };"
     "Function.prototype.apply = function () { throw new Error('patched'); };"
     "Function.prototype.call = function () { throw new Error('patched'); };"
     "var result;"
     "try {"
     " var rs = new ReadableStream({start: function (c) { c.enqueue('a'); c.enqueue('b');"
     " c.close(); }});"
     " var ts = new TransformStream({transform: function (ch, c) { c.enqueue(ch + ch); }});"
     " var b = rs.pipeThrough(ts).tee();"
     " var got = []; var ws = new WritableStream({write: function (ch) {"
     " got[got.length] = ch; }});"
     " result = [b[0].pipeTo(ws), b[1].cancel(), got];"
     "} finally {"
     " Promise.prototype.then = saved[0]; Array.prototype.push = saved[1];"
     " Function.prototype.call = saved[2]; Function.prototype.apply = saved[3];"
     " Array.prototype.shift = saved[4]; }"
     "return Promise.all([result[0], result[1]]).then(function () {"
     " return [result[2], calls]; });",
     "[[\"aa\",\"bb\"],0]"},
    /* A stream's own globals may be replaced without breaking streams made afterwards. */
    {"var RS = ReadableStream; var P = Promise; ReadableStream = null; Promise = null;"
     "var TypeErrorSaved = TypeError; TypeError = null; var rs, err;"
     "try { rs = new RS({start: function (c) { c.enqueue(1); c.close(); }});"
     " err = tryf(function () { rs.getReader(); rs.getReader(); }); }"
     "finally { ReadableStream = RS; Promise = P; TypeError = TypeErrorSaved; }"
     "return [err, err instanceof TypeError];",
     "[Error:TypeError,true]"},
};

/* Cloudflare Workers' IdentityTransformStream and FixedLengthStream (not in Node: the expected
 * lines are what Workers' documentation and workerd's error messages say). */
static const streams_case streams_workers_cases[] = {
    {"var t = new IdentityTransformStream(); return [t instanceof TransformStream,"
     " Object.prototype.toString.call(t), IdentityTransformStream.length, FixedLengthStream.length,"
     " Object.getPrototypeOf(FixedLengthStream) === IdentityTransformStream,"
     " new FixedLengthStream(1) instanceof IdentityTransformStream];",
     "[true,\"[object IdentityTransformStream]\",0,1,true,true]"},
    /* any BufferSource in, Uint8Arrays (over the same bytes) out */
    {"var t = new IdentityTransformStream(), w = t.writable.getWriter(), got = collect(t.readable);"
     " w.write(new Uint8Array([1, 2])); w.write(new Uint16Array([0x0403]).buffer);"
     " w.write(new DataView(new Uint8Array([9, 5, 6]).buffer, 1)); w.write(new Uint8Array(0));"
     " w.close(); return got;",
     "[u8[1,2],u8[3,4],u8[5,6]]"},
    {"var t = new IdentityTransformStream(), w = t.writable.getWriter(); t.readable.getReader()"
     ".read().catch(function () {}); return w.write('text').then(null, function (e) {"
     " return e; });",
     "Error:TypeError"},
    {"var f = new FixedLengthStream(4), w = f.writable.getWriter(), got = collect(f.readable);"
     " w.write(new Uint8Array([1, 2])); w.write(new Uint8Array([3, 4])); w.close();"
     " return got;",
     "[u8[1,2],u8[3,4]]"},
    {"var f = new FixedLengthStream(3), w = f.writable.getWriter(); f.readable.getReader()"
     ".read().catch(function () {}); return w.write(new Uint8Array(4)).then(null,"
     " function (e) { return e.message; });",
     "\"Attempt to write too many bytes through a FixedLengthStream.\""},
    {"var f = new FixedLengthStream(3), w = f.writable.getWriter(), r = f.readable.getReader();"
     " r.read(); return w.write(new Uint8Array(2)).then(function () { return w.close(); })"
     ".then(null, function (e) { return e.message; });",
     "\"FixedLengthStream did not see all expected bytes before close().\""},
    {"var out = []; [-1, 1.5, NaN, 'x', 9007199254740992].forEach(function (v) { try {"
     " new FixedLengthStream(v); out.push('ok'); } catch (e) { out.push(e.name); } });"
     " new FixedLengthStream('12'); return out;",
     "[\"TypeError\",\"TypeError\",\"TypeError\",\"TypeError\",\"TypeError\"]"},
    {"return new Response(new Response('piped').body.pipeThrough(new IdentityTransformStream()))"
     ".text();",
     "\"piped\""},
};

#endif
