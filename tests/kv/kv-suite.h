/* The KV suite every backend passes: script steps whose results are compared line by line
 * with what EdgeOne / Workers KV give. Included by the KV test files. */
#ifndef EDGEFN_TEST_KV_SUITE_H
#define EDGEFN_TEST_KV_SUITE_H

#include "js/harness.h"
#include "test.h"

/* Runs `src` (it must respond) in a runtime on `loop` with options `ro`; copies the body. */
static inline int kv_run_script(edgefn_loop *loop, const char *src,
                                const edgefn_runtime_options *ro_in, char *out, size_t size) {
  js_env e;
  memset(&e, 0, sizeof(e));
  e.err.struct_size = sizeof(e.err);
  e.loop = loop;
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = src;
  so.source_len = strlen(src);
  so.filename = "kv.js";
  int rc = edgefn_script_new(&e.script, &so, &e.err);
  edgefn_runtime_options ro = *ro_in;
  /* The suite writes and reads 25 MB values, which under ASan on a busy machine takes more
   * than the default 200 ms of CPU; this test is about KV semantics, not CPU limits. */
  if (ro.cpu_limit_ms == 0)
    ro.cpu_limit_ms = 5000;
  ro.log = h_log;
  ro.log_user_data = &e.log;
  if (rc == 0)
    rc = edgefn_runtime_new(&e.rt, loop, e.script, &ro, &e.err);
  collected c;
  if (rc == 0)
    rc = env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c);
  if (rc == 0) {
    snprintf(out, size, "%s", c.body);
    collected_free(&c);
  } else {
    fprintf(stderr, "failed: %d %s %s\n", rc, e.err.message, e.log.text);
  }
  edgefn_runtime_free(e.rt);
  edgefn_script_free(e.script);
  return rc;
}

/* Steps run one after another; each yields a value (or a rejection) that becomes a line. */
#define KV_STEPS(body)                                                                     \
  "function ok(v) { return v; }\n"                                                         \
  "function err(e) { return e.name + ': ' + e.message; }\n"                                \
  "function names(r) { return r.keys.map(function (k) { return k.name; }).join(',') +\n"  \
  "  ' ' + r.list_complete + ' ' + r.complete + ' ' + (r.cursor === '' ? 'end' : 'more'); }\n" \
  "addEventListener('fetch', function (ev) { var log = [], cur, big; var steps = [\n"     \
  body "];\n"                                                                              \
  "  var p = Promise.resolve();\n"                                                         \
  "  steps.forEach(function (s) { p = p.then(function () {\n"                              \
  "    return new Promise(function (res) { res(s()); }).then(ok, err)\n"                   \
  "      .then(function (v) { log.push(String(v)); }); }); });\n"                           \
  "  ev.respondWith(p.then(function () { return new Response(log.join('\\n')); }));\n"     \
  "});"

static const char kv_suite_script[] = KV_STEPS(
    /* put / get / overwrite / delete */
    "function () { return KV.put('a', 'one'); },\n"
    "function () { return KV.get('a'); },\n"
    "function () { return KV.put('a', 'two').then(function () { return KV.get('a', 'text'); }); },\n"
    "function () { return KV.get('missing'); },\n"
    "function () { return KV.delete('a').then(function (r) { return r + ' ' ; })\n"
    "  .then(function (r) { return KV.get('a').then(function (v) { return r + v; }); }); },\n"
    "function () { return KV.delete('never-there'); },\n"
    /* types */
    "function () { return KV.put('j', JSON.stringify({x: [1, 2]})).then(function () {\n"
    "  return KV.get('j', 'json'); }).then(function (v) { return v.x[1]; }); },\n"
    "function () { return KV.get('j', {type: 'json'}).then(function (v) { return v.x.length; }); },\n"
    "function () { return KV.put('bad', '{nope').then(function () { return KV.get('bad', 'json'); }); },\n"
    "function () { return KV.put('bin', new Uint8Array([0, 1, 255, 128])).then(function () {\n"
    "  return KV.get('bin', 'arrayBuffer'); }).then(function (b) {\n"
    "  return Object.prototype.toString.call(b) + ' ' + Array.prototype.join.call(new Uint8Array(b)); }); },\n"
    "function () { var u = new Uint8Array([9, 8, 7, 6, 5]);\n"
    "  return KV.put('view', new DataView(u.buffer, 1, 3)).then(function () {\n"
    "  return KV.get('view', 'arrayBuffer'); }).then(function (b) {\n"
    "  return Array.prototype.join.call(new Uint8Array(b)); }); },\n"
    "function () { return KV.put('ab', new Uint8Array([104, 105]).buffer).then(function () {\n"
    "  return KV.get('ab'); }); },\n"
    "function () { return KV.put('\\u043a\\u043b\\u044e\\u0447', '\\u00e9\\ud83d\\ude00').then(function () {\n"
    "  return KV.get('\\u043a\\u043b\\u044e\\u0447'); }).then(function (v) { return v.length + ' ' + v.charCodeAt(1); }); },\n"
    /* streams come from another part: without ReadableStream the error says so */
    "function () { if (typeof ReadableStream !== 'function') return KV.get('ab', 'stream').then(\n"
    "  function () { return 'resolved'; }, function (e) { return e.name + ': ' + e.message ===\n"
    "  \"TypeError: KV get: type 'stream' needs ReadableStream, which this runtime does not provide\" ?\n"
    "  'stream ok' : e.message; });\n"
    "  return KV.get('ab', 'stream').then(function (s) { return new Response(s).text(); })\n"
    "    .then(function (t) { return t === 'hi' ? 'stream ok' : t; }); },\n"
    /* a ReadableStream value: read to its end, metadata kept; past the value limit it is
     * cancelled with the limit's RangeError; a locked one is a TypeError */
    "function () { var s = new ReadableStream({ start: function (c) {\n"
    "  c.enqueue(new Uint8Array([115, 116])); c.enqueue(new Uint8Array([114])); c.close(); } });\n"
    "  return KV.put('st', s, {metadata: 7}).then(function (r) { return KV.getWithMetadata('st'); })\n"
    "    .then(function (r) { return r.value + ' ' + r.metadata; }); },\n"
    "function () { var n = 0, chunk = new Uint8Array(1 << 20);\n"
    "  var s = new ReadableStream({ pull: function (c) { if (n++ < 40) c.enqueue(chunk); else c.close(); } });\n"
    "  return KV.put('huge', s).then(function () { return 'stored'; },\n"
    "    function (e) { return e.name + ': ' + e.message + ' after ' + n; }); },\n"
    "function () { var s = new ReadableStream(); s.getReader();\n"
    "  return KV.put('locked', s).then(function () { return 'stored'; },\n"
    "    function (e) { return e.name + ': ' + e.message; }); },\n"
    /* metadata */
    "function () { return KV.put('m', 'val', {metadata: {k: 'w', n: [1]}}).then(function () {\n"
    "  return KV.getWithMetadata('m'); }).then(function (r) { return r.value + ' ' + JSON.stringify(r.metadata); }); },\n"
    "function () { return KV.getWithMetadata('missing', 'json').then(function (r) { return JSON.stringify(r); }); },\n"
    "function () { return KV.getWithMetadata('a').then(function (r) { return JSON.stringify(r); }); },\n"
    "function () { return KV.getWithMetadata('j', 'json').then(function (r) { return r.value.x[0] + ' ' + r.metadata; }); },\n"
    /* expiration */
    "function () { return KV.put('old', 'x', {expiration: 1000}).then(function () { return KV.get('old'); }); },\n"
    "function () { return KV.put('ttl', 'y', {expirationTtl: 3600}).then(function () { return KV.get('ttl'); }); },\n"
    /* list */
    "function () { return Promise.all([1, 2, 3, 4, 5].map(function (i) {\n"
    "  return KV.put('p/' + i, 'v' + i, i === 2 ? {metadata: {i: i}} : undefined); }))\n"
    "  .then(function () { return KV.list({prefix: 'p/', limit: 2}); })\n"
    "  .then(function (r) { cur = r.cursor; return names(r) + ' ' + JSON.stringify(r.keys[1].metadata) +\n"
    "    ' ' + ('metadata' in r.keys[0]) + ' ' + ('expiration' in r.keys[0]); }); },\n"
    "function () { return KV.list({prefix: 'p/', limit: 2, cursor: cur}).then(function (r) {\n"
    "  cur = r.cursor; return names(r); }); },\n"
    "function () { return KV.list({prefix: 'p/', limit: 2, cursor: cur}).then(names); },\n"
    "function () { return KV.list({prefix: 'p/', limit: 5}).then(names); },\n"
    "function () { return KV.list().then(names); },\n"
    "function () { return KV.list({prefix: 'ttl'}).then(function (r) {\n"
    "  var d = r.keys[0].expiration - Date.now() / 1000; return r.keys.length + ' ' + (d > 3590 && d < 3610); }); },\n"
    "function () { return KV.list({prefix: 'zzz'}).then(function (r) { return JSON.stringify(r); }); },\n"
    /* namespaces are apart */
    "function () { return OTHER.get('a').then(function (v) { return v + ' ' + typeof OTHER.put; }); },\n"
    "function () { return OTHER.put('p/9', 'o').then(function () { return KV.list({prefix: 'p/'}); }).then(names); },\n"
    "function () { return OTHER.list().then(names); },\n"
    /* errors name the limits */
    "function () { return KV.get(''); },\n"
    "function () { return KV.get(); },\n"
    "function () { return KV.put(new Array(514).join('k'), 'v'); },\n"
    "function () { return KV.put(new Array(513).join('k'), 'max').then(function () { return KV.get(new Array(513).join('k')); }); },\n"
    "function () { return KV.put('big', new Uint8Array(25 * 1024 * 1024 + 1)); },\n"
    "function () { return KV.put('obj', {}); },\n"
    "function () { return KV.put('m2', 'v', {metadata: {s: new Array(1100).join('x')}}); },\n"
    "function () { return KV.put('e', 'v', {expirationTtl: -5}); },\n"
    "function () { return KV.list({limit: 257}); },\n"
    "function () { return KV.list({limit: 0}); },\n"
    "function () { return KV.get('a', 'blob'); },\n"
    "function () { return KV.get.call({}, 'a'); },\n"
    "function () { try { new KV.constructor(); } catch (e) { return e.name + ' ' + KV.constructor.name; } },\n");

static const char kv_suite_expected[] =
    "undefined\n"
    "one\n"
    "two\n"
    "null\n"
    "undefined null\n"
    "undefined\n"
    "2\n"
    "2\n"
    "SyntaxError: invalid json (at offset 2)\n"
    "[object ArrayBuffer] 0,1,255,128\n"
    "8,7,6\n"
    "hi\n"
    "3 55357\n"
    "stream ok\n"
    "str 7\n"
    "RangeError: KV put: the stream is over the value limit of 26214400 bytes "
    "(EDGEFN_KV_MAX_VALUE_SIZE) after 26\n"
    "TypeError: ReadableStream is locked\n"
    "val {\"k\":\"w\",\"n\":[1]}\n"
    "{\"value\":null,\"metadata\":null}\n"
    "{\"value\":null,\"metadata\":null}\n"
    "1 null\n"
    "null\n"
    "y\n"
    "p/1,p/2 false false more {\"i\":2} false false\n"
    "p/3,p/4 false false more\n"
    "p/5 true true end\n"
    "p/1,p/2,p/3,p/4,p/5 true true end\n"
    "ab,bad,bin,j,m,p/1,p/2,p/3,p/4,p/5,st,ttl,view,\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87 true true end\n"
    "1 true\n"
    "{\"keys\":[],\"list_complete\":true,\"complete\":true,\"cursor\":\"\"}\n"
    "null function\n"
    "p/1,p/2,p/3,p/4,p/5 true true end\n"
    "p/9 true true end\n"
    "TypeError: KV get: the key must not be empty\n"
    "TypeError: KV get: a key is required\n"
    "RangeError: KV put: the key is 513 bytes, over the limit of 512 bytes "
    "(EDGEFN_KV_MAX_KEY_SIZE)\n"
    "max\n"
    "RangeError: KV put: the value is 26214401 bytes, over the limit of 26214400 bytes "
    "(EDGEFN_KV_MAX_VALUE_SIZE)\n"
    "TypeError: KV put: the value must be a string, an ArrayBuffer, an ArrayBufferView or a ReadableStream\n"
    "RangeError: KV put: the metadata is 1107 bytes of JSON, over the limit of 1024 bytes "
    "(EDGEFN_KV_MAX_METADATA_SIZE)\n"
    "TypeError: KV put: expirationTtl must be a positive number of seconds\n"
    "RangeError: KV list: limit must be an integer from 1 to 256 (EDGEFN_KV_MAX_LIST_KEYS)\n"
    "RangeError: KV list: limit must be an integer from 1 to 256 (EDGEFN_KV_MAX_LIST_KEYS)\n"
    "TypeError: KV get: unknown type 'blob' (text, json, arrayBuffer or stream)\n"
    "TypeError: KVNamespace.get: Illegal invocation\n"
    "TypeError KVNamespace";

/* Runs the suite on `kv` (bound as KV, namespace "suite-a", and OTHER, "suite-b"); the
 * namespaces must start empty. Returns 0 when every line matches. */
static inline int kv_suite_run(edgefn_loop *loop, edgefn_kv *kv) {
  edgefn_kv_binding binds[] = {{"KV", kv, "suite-a"}, {"OTHER", kv, "suite-b"}};
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.kv_bindings = binds;
  ro.kv_binding_count = 2;
  static char out[16384];
  ASSERT_EQ(kv_run_script(loop, kv_suite_script, &ro, out, sizeof(out)), 0);
  const char *expected = kv_suite_expected;
  const char *a = out, *b = expected;
  int line = 1;
  while (*a && *a == *b) {
    if (*a == '\n')
      line++;
    a++, b++;
  }
  if (*a || *b) {
    fprintf(stderr, "KV suite differs at line %d\n--- got:\n%s\n--- expected:\n%s\n", line,
            out, expected);
    return 1;
  }
  return 0;
}

#endif
