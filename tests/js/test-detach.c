/* ArrayBuffer detach (lib/duktape/internals.c): once a stream transfers a buffer, no access
 * path may reach the bytes it had. Each case detaches a buffer the way a script can (a byte
 * stream's enqueue transfers the chunk's buffer) and then reads, writes or copies through
 * another view onto it, through every Duktape and host path that takes buffers. Under
 * ASan (scripts/test's build-asan) an out-of-bounds access aborts; in every build the
 * results must show that nothing was read from or written to the old bytes. The cases run
 * twice: over a script's buffers (new ArrayBuffer) and over buffers the streams made (what
 * a BYOB read resolves with). A detached buffer keeps its allocation until collected, so
 * an unchecked access would stay inside it and ASan alone could not tell; the expected
 * lines (reads 0, writes not seen, copies empty) are what shows each path checks. */
#include <stdlib.h>
#include <string.h>

#include "js/harness.h"
#include "js/js.h"
#include "js/streams-cases.h" /* STREAMS_PRELUDE: show(), tryf(), settle(), collect() */
#include "test.h"

static const char prelude[] =
    "var ctrl; new ReadableStream({type: 'bytes', start: function (c) { ctrl = c; }});\n"
    "function detach(v) { ctrl.enqueue(v); }\n"
    "var pool = [], useDyn = false;\n"
    "function fillPool(n) { var rs = new ReadableStream({type: 'bytes', pull: function (c) { c.byobRequest.respond(1); }});\n"
    "var r = rs.getReader({mode: 'byob'});\n"
    "function step(k) { if (k === 0) return; return r.read(new Uint8Array(64)).then(function (x) { pool.push(x.value.buffer); return step(k - 1); }); }\n"
    "return step(n); }\n"
    "function mk() { var ab = useDyn ? pool.pop() : new ArrayBuffer(64); var u = new Uint8Array(ab); for (var i = 0; i < 64; i++) u[i] = i + 1;\n"
    "return { ab: ab, u: u, o: new Uint8Array(ab, 8, 32), w: new Uint32Array(ab, 4, 8), dv: new DataView(ab, 0, 64) }; }\n";

typedef struct detach_case {
  const char *what;
  const char *body;
  const char *expected;
} detach_case;

static const detach_case detach_cases[] = {
    {"the detached view and ArrayBuffer read as empty; another view keeps its nominal length and reads 0, writes ignored",
     "var b = mk(); detach(b.u); b.o[0] = 5; b.w[1] = 7; return [b.u.length, b.ab.byteLength, b.o[0], b.o[31], b.w[1], b.o.length];\n",
     "[0,0,0,0,0,32]"},
    {"DataView get/set past the emptied buffer: RangeError",
     "var b = mk(); detach(b.u); return [tryf(function () { return b.dv.getUint32(60); }), tryf(function () { b.dv.setFloat64(0, 1); return b.dv.getFloat64(0); })].map(String);\n",
     "[\"RangeError: invalid args\",\"RangeError: invalid args\"]"},
    {"TypedArray set() from and into a detached view copies nothing",
     "var b = mk(); detach(b.u); var t = new Uint8Array(40); t.set(b.o); var r = tryf(function () { b.o.set(new Uint8Array([1, 2, 3])); return b.o[1]; }); return [t[0], t[39], String(r)];\n",
     "[0,0,\"0\"]"},
    {"subarray, ArrayBuffer slice, TypedArray slice of a detached buffer",
     "var b = mk(); detach(b.u); var s = b.o.subarray(2, 10); return [s.length, s[0], String(tryf(function () { return b.ab.slice(0, 8).byteLength; })), String(tryf(function () { return b.o.slice(0, 4).length; }))];\n",
     "[8,0,\"0\",\"4\"]"},
    {"typed-array constructors copying from detached views; a new view on a detached ArrayBuffer",
     "var b = mk(); detach(b.u); var c = new Uint8Array(b.o); var d = new Float64Array(b.w); return [c.length, c[5], d.length, d[0], String(tryf(function () { return new Uint8Array(b.ab, 0, 4).length; }))];\n",
     "[32,0,8,0,\"RangeError: invalid args\"]"},
    {"TextDecoder.decode and TextEncoder.encodeInto on a detached view",
     "var b = mk(); detach(b.u); var dec = String(tryf(function () { return new TextDecoder().decode(b.o).length; }));\n"
     "var enc = String(tryf(function () { return JSON.stringify(new TextEncoder().encodeInto('hello', b.o)); })); return [dec, enc, b.o[0]];\n",
     "[\"0\",\"{\\\"read\\\":0,\\\"written\\\":0}\",0]"},
    {"JSON, String, join, keys and property descriptors of detached views",
     "var b = mk(); detach(b.u); return [JSON.stringify(b.o).length > 0, String(b.o).length, Array.prototype.join.call(b.w, ''), Object.keys(b.o).length, JSON.stringify(Object.getOwnPropertyDescriptor(b.o, 3))];\n",
     "[true,63,\"00000000\",32,\"{\\\"value\\\":0,\\\"writable\\\":true,\\\"enumerable\\\":true,\\\"configurable\\\":false}\"]"},
    {"for-in over a detached view",
     "var b = mk(); detach(b.u); var r = []; for (var k in b.w) r.push(k); return r.length;\n",
     "8"},
    {"every Node.js Buffer method Duktape has, on a detached view (fill is the project's checked version; toString the project's, which reads a detached view as empty)",
     "var b = mk(); detach(b.u); var out = [];\n"
     "out.push(String(tryf(function () { Buffer.prototype.fill.call(b.o, 9); return b.o[0]; })));\n"
     "out.push(String(tryf(function () { return Buffer.prototype.write.call(b.o, 'abcdef', 0); })));\n"
     "out.push(String(tryf(function () { return Buffer.prototype.copy.call(b.o, new Uint8Array(64)); })));\n"
     "out.push(String(tryf(function () { return Buffer.prototype.copy.call(new Uint8Array(64), b.o); })));\n"
     "out.push(String(tryf(function () { return Buffer.prototype.readUInt32LE.call(b.o, 0); })));\n"
     "out.push(String(tryf(function () { return Buffer.prototype.writeUInt32LE.call(b.o, 1, 0); })));\n"
     "out.push(String(tryf(function () { return Buffer.prototype.toString.call(b.o).length; })));\n"
     "out.push(String(tryf(function () { return Buffer.prototype.equals.call(b.o, new Uint8Array(32)); })));\n"
     "out.push(String(tryf(function () { return Buffer.prototype.compare.call(b.o, new Uint8Array(32)); })));\n"
     "out.push(String(tryf(function () { return Buffer.concat([b.o, b.u]).length; })));\n"
     "out.push(String(tryf(function () { return JSON.stringify(Buffer.prototype.toJSON.call(b.o)); })));\n"
     "out.push(String(tryf(function () { return Buffer.prototype.slice.call(b.o, 0, 4).length; })));\n"
     "return out;\n",
     "[\"0\",\"6\",\"32\",\"32\",\"RangeError: invalid args\",\"RangeError: invalid args\",\"0\",\"false\",\"-1\",\"32\",\"null\",\"4\"]"},
    {"Buffer fill whose value or offset argument's valueOf detaches the buffer mid-call",
     "var b = mk(); var ev = { valueOf: function () { detach(b.u); return 3; } };\n"
     "var r = tryf(function () { Buffer.prototype.fill.call(b.o, ev); return b.o[0]; });\n"
     "var b2 = mk(); var r2 = tryf(function () { Buffer.prototype.fill.call(b2.o, 1, { valueOf: function () { detach(b2.u); return 0; } }, 32); return b2.o[0]; });\n"
     "return [String(r), String(r2)];\n",
     "[\"0\",\"0\"]"},
    {"TypedArray set() from an array-like whose getter detaches the target mid-copy",
     "var b = mk(); var src = { length: 32 }; for (var i = 0; i < 32; i++) (function (i) { Object.defineProperty(src, i, { get: function () { if (i === 3) detach(b.u); return 200; } }); })(i);\n"
     "var r = tryf(function () { b.o.set(src); return b.o[10]; }); return [String(r), b.o.length];\n",
     "[\"0\",32]"},
    {"DataView setUint32 and an index write whose value's valueOf detaches the buffer",
     "var b = mk(); var r = tryf(function () { b.dv.setUint32(0, { valueOf: function () { detach(b.u); return 5; } }); return b.dv.getUint32(0); }); var b2 = mk();\n"
     "var r2 = tryf(function () { b2.o[1] = { valueOf: function () { detach(b2.u); return 5; } }; return b2.o[1]; }); return [String(r), String(r2)];\n",
     "[\"RangeError: invalid args\",\"0\"]"},
    {"host APIs given detached views: getRandomValues, structuredClone, Blob, digest, bodies",
     "var b = mk(); detach(b.u); var out = [];\n"
     "out.push(String(tryf(function () { return crypto.getRandomValues(b.o).length; })));\n"
     "out.push(String(tryf(function () { return structuredClone(b.o).length; })));\n"
     "out.push(String(tryf(function () { return new Blob([b.o, b.w]).size; })));\n"
     "out.push(String(tryf(function () { return btoa(String.fromCharCode.apply(null, b.o)).length; })));\n"
     "return Promise.all([settle(crypto.subtle.digest('SHA-256', b.o)), settle(new Response(b.o).arrayBuffer()), settle(new Request('http://x/', {method: 'POST', body: b.w}).text())]).then(function (a) {\n"
     "return out.concat(a.map(function (x) { return x && x.byteLength !== undefined ? 'len' + x.byteLength : show(x); })); });\n",
     "[\"32\",\"RangeError: invalid args\",\"0\",\"44\",\"len32\",\"len0\",\"\\\"\\\"\"]"},
    {"compression and text decoder streams given a detached view",
     "var b = mk(); detach(b.u); var ts = new CompressionStream('gzip'); var w = ts.writable.getWriter(); w.write(b.o).catch(function () {}); w.close().catch(function () {});\n"
     "var td = new TextDecoderStream(); var w2 = td.writable.getWriter(); w2.write(b.o).catch(function () {}); w2.close().catch(function () {});\n"
     "return Promise.all([settle(collect(ts.readable)), settle(collect(td.readable))]).then(function (a) { return a.map(function (x) { return Array.isArray(x) ? 'chunks' + x.length : show(x); }); });\n",
     "[\"Error:TypeError\",\"chunks0\"]"},
    {"Duktape.enc of detached buffers",
     "var b = mk(); detach(b.u); var out = [tryf(function () { return Duktape.enc('hex', b.o); })]; out.push(tryf(function () { return Duktape.enc('base64', b.ab); })); out.push(tryf(function () { return Duktape.enc('jx', b.o).length; })); return out.map(String);\n",
     "[\"302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c302c30\",\"\",\"4\"]"},
    {"enqueue of a view on a detached buffer",
     "var b = mk(); detach(b.u); return settle(new ReadableStream({type: 'bytes', start: function (c) { c.enqueue(b.o); }}).getReader().read()).then(show);\n",
     "threw Error:TypeError Cannot enqueue a view on an empty buffer"},
    {"a BYOB read into a detached view",
     "var b = mk(); detach(b.u); var r = new ReadableStream({type: 'bytes'}).getReader({mode: 'byob'}); return settle(r.read(b.o)).then(show);\n",
     "\"Error:TypeError\""},
    {"fill, indexOf, copyWithin, reverse, sort on detached views",
     "var b = mk(); detach(b.u); var wa = new Uint8Array(b.ab); return [wa.length, b.o.fill ? String(tryf(function () { b.o.fill(7); return b.o[0]; })) : 'nofill', String(tryf(function () { return b.o.indexOf(0); })), String(tryf(function () { b.o.copyWithin(0, 8); return b.o[0]; })), String(tryf(function () { return b.o.reverse()[0]; })), String(tryf(function () { return b.w.sort()[0]; }))];\n",
     "[0,\"0\",\"0\",\"0\",\"0\",\"0\"]"},
};

/* The script: each case is a function returning a value or a promise; runAll() resolves
 * with one line per case (show() from the streams tests' prelude). */
static char *detach_script(void) {
  static const char tail[] =
      "null];\n"
      "function runAll() {\n"
      "  var out = '', i = 0;\n"
      "  function step() {\n"
      "    if (i === cases.length - 1 && !useDyn) {\n"
      "      i = 0; out += '--\\n';\n"
      "      return fillPool(64).then(function () { useDyn = true; return step(); });\n"
      "    }\n"
      "    if (i === cases.length - 1) return out;\n"
      "    var f = cases[i++];\n"
      "    return Promise.resolve().then(f).then(\n"
      "      function (v) { out += show(v) + '\\n'; return step(); },\n"
      "      function (e) { out += 'threw ' + show(e) + ' ' + (e && e.message) + '\\n';\n"
      "        return step(); });\n"
      "  }\n"
      "  return step();\n"
      "}\n"
      "addEventListener('fetch', function (e) {\n"
      "  e.respondWith(runAll().then(function (t) { return new Response(t); }));\n"
      "});\n";
  size_t cap = sizeof(STREAMS_PRELUDE) + sizeof(prelude) + sizeof(tail) + 64;
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(detach_cases); i++)
    cap += strlen(detach_cases[i].body) + 32;
  char *buf = malloc(cap);
  size_t len = (size_t)snprintf(buf, cap, "%s%svar cases = [\n", STREAMS_PRELUDE, prelude);
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(detach_cases); i++)
    len += (size_t)snprintf(buf + len, cap - len, "function () {\n%s},\n", detach_cases[i].body);
  snprintf(buf + len, cap - len, "%s", tail);
  return buf;
}

TEST(detach_access_paths) {
  char *src = detach_script();
  js_env e;
  int rc = env_open(&e, src, 5000, 0, 0);
  free(src);
  if (rc)
    fprintf(stderr, "compile: %s (line %d)\n", e.err.message, e.err.line);
  ASSERT_EQ(rc, 0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 200);
  int failures = 0;
  const char *p = c.body;
  for (size_t j = 0; j < 2 * EDGEFN_ARRAY_LEN(detach_cases) + 1; j++) {
    size_t i = j % (EDGEFN_ARRAY_LEN(detach_cases) + 1);
    if (i == EDGEFN_ARRAY_LEN(detach_cases)) { /* the "--" between the two runs */
      if (!p || strncmp(p, "--\n", 3) != 0) {
        fprintf(stderr, "detach: the second run did not start: %s\n", p ? p : "(nothing)");
        failures++;
        break;
      }
      p += 3;
      continue;
    }
    const char *nl = p ? strchr(p, '\n') : NULL;
    size_t n = nl ? (size_t)(nl - p) : 0;
    if (!nl || strlen(detach_cases[i].expected) != n ||
        strncmp(detach_cases[i].expected, p, n) != 0) {
      fprintf(stderr, "detach case %zu, %s buffer (%s):\n  expected: %s\n  got:      %.*s\n",
              i, j > i ? "stream-made" : "script-made", detach_cases[i].what, detach_cases[i].expected, (int)n, p ? p : "(nothing)");
      failures++;
    }
    p = nl ? nl + 1 : NULL;
  }
  collected_free(&c);
  env_close(&e);
  ASSERT_EQ(failures, 0);
  return 0;
}

/* The checked Buffer.prototype.fill still fills a live view (strings, numbers, ranges), and
 * replaced Duktape's before the script ran. */
TEST(detach_buffer_fill_still_fills) {
  ASSERT_EQ(js_expect("var u = new Uint8Array(6); Buffer.prototype.fill.call(u, 7);"
                      "Buffer.prototype.fill.call(u, 'ab', 2, 5);"
                      "var v = new Uint8Array(new ArrayBuffer(8), 2, 4);"
                      "Buffer.prototype.fill.call(v, {valueOf: function () { return 3; }}, 1);"
                      "return [Array.prototype.join.call(u, ','), Array.prototype.join.call(v, ','),"
                      " Buffer.prototype.fill.name].join('|');",
                      "7,7,97,98,97,7|0,3,3,3|fill"),
            0);
  return 0;
}

/* `detached` sees every detach: a byte stream's enqueue (the chunk's buffer), a BYOB read
 * (the view given), ArrayBuffer.prototype.transfer, and the .buffer Duktape makes later for
 * a view whose bytes a transfer took; an empty buffer that was never detached is not. */
TEST(detach_flag_seen_by_detached) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (ev) {\n"
                     "  var ctrl; new ReadableStream({type: 'bytes', start: function (c) { ctrl = c; }});\n"
                     "  var chunk = new Uint8Array([1, 2]); var before = chunk.buffer.detached;\n"
                     "  ctrl.enqueue(chunk);\n"
                     "  var byView = new Uint8Array(4); var lateView = byView.subarray(1); /* no .buffer yet */\n"
                     "  byView.buffer.transfer();\n"
                     "  var out = [before, chunk.buffer.detached, byView.buffer.detached,\n"
                     "    lateView.buffer.detached, new ArrayBuffer(0).detached];\n"
                     "  var rs = new ReadableStream({type: 'bytes', pull: function (c) { c.byobRequest.respond(1); }});\n"
                     "  var given = new Uint8Array(8);\n"
                     "  ev.respondWith(rs.getReader({mode: 'byob'}).read(given).then(function (r) {\n"
                     "    out.push(given.buffer.detached, r.value.buffer.detached, r.value.length);\n"
                     "    return new Response(out.join());\n"
                     "  }));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  if (!c.body || strcmp(c.body, "false,true,true,true,false,true,false,1") != 0)
    fprintf(stderr, "got %s\nlog: %s\n", c.body ? c.body : "(none)", e.log.text);
  ASSERT_STREQ(c.body, "false,true,true,true,false,true,false,1");
  collected_free(&c);
  env_close(&e);
  return 0;
}

/* structuredClone with transfer: a buffer a getter detaches while the value is being cloned
 * is a DataCloneError (HTML, StructuredSerializeWithTransfer step 5; V8 lets it pass), and
 * then no listed buffer is detached. */
TEST(detach_structured_clone_transfer_checked_after_cloning) {
  ASSERT_EQ(js_expect("var a = new ArrayBuffer(2), b = new ArrayBuffer(3);\n"
                      "var v = { get x() { b.transfer(); return 1; } };\n"
                      "try { structuredClone(v, { transfer: [a, b] }); return 'no error'; }\n"
                      "catch (e) { return [e.name, a.detached, a.byteLength, b.detached].join(); }",
                      "DataCloneError,false,2,true"),
            0);
  return 0;
}
