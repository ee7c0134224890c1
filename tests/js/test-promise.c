/* Promise, queueMicrotask and the microtask queue (lib/js/promise.c). The ordering table's
 * expected logs were produced by running each snippet, with the same prelude, in Node 20. */
#include <stdint.h>
#include <stdlib.h>

#include "js/js.h"
#include "test.h"

/* L(x) records a value; tick(n, tag) logs tag+1 .. tag+n, one per microtask tick. */
static const char prelude[] = "var log = []; function L(x){ log.push(String(x)); } "
                              "function tick(n,t){var p=Promise.resolve();for(var i=1;i<=n;i++)"
                              "(function(i){p=p.then(function(){L((t||\"\")+i)})})(i);}";

typedef struct fixture {
  edgefn__heap_ctl ctl;
  duk_context *ctx;
  char logs[8192];
  size_t logs_len;
  int n_logs;
  char result[4096];
} fixture;

static void capture_log(void *user_data, int level, const char *function_name, const char *message,
                        size_t message_len) {
  fixture *f = user_data;
  (void)level;
  (void)function_name;
  if (f->logs_len + message_len + 2 > sizeof(f->logs))
    return;
  memcpy(f->logs + f->logs_len, message, message_len);
  f->logs_len += message_len;
  f->logs[f->logs_len++] = '\n';
  f->logs[f->logs_len] = 0;
  f->n_logs++;
}

static duk_ret_t install_safe(duk_context *ctx, void *udata) {
  (void)udata;
  edgefn__promise_install(ctx);
  return 0;
}

static duk_ret_t drain_safe(duk_context *ctx, void *udata) {
  *(size_t *)udata = edgefn__microtasks_drain(ctx);
  return 0;
}

static void fixture_close(fixture *f) {
  if (f->ctx)
    duk_destroy_heap(f->ctx);
  f->ctx = NULL;
}

/* A heap with a memory cap (so it has a heap_ctl and logs are captured), Promise installed
 * and the prelude evaluated. */
static int fixture_open(fixture *f) {
  memset(f, 0, sizeof(*f));
  f->ctl.mem_limit = SIZE_MAX / 2;
  f->ctl.log = capture_log;
  f->ctl.log_data = f;
  f->ctx = edgefn__heap_new(&f->ctl);
  if (!f->ctx)
    return -1;
  if (duk_safe_call(f->ctx, install_safe, NULL, 0, 1) != DUK_EXEC_SUCCESS)
    return -1;
  duk_pop(f->ctx);
  if (duk_peval_string_noresult(f->ctx, prelude) != 0)
    return -1;
  return 0;
}

static size_t drain(fixture *f) {
  size_t n = 0;
  if (duk_safe_call(f->ctx, drain_safe, &n, 0, 1) != DUK_EXEC_SUCCESS)
    n = (size_t)-1;
  duk_pop(f->ctx);
  return n;
}

/* Evaluates src (an error is recorded as "EVAL: message"), drains the queue and returns
 * log.join(' '). */
static const char *run(fixture *f, const char *src) {
  duk_context *ctx = f->ctx;
  if (duk_peval_string(ctx, src) != 0) {
    snprintf(f->result, sizeof(f->result), "EVAL: %s", duk_safe_to_string(ctx, -1));
    duk_pop(ctx);
    return f->result;
  }
  duk_pop(ctx);
  drain(f);
  if (duk_peval_string(ctx, "log.join(' ')") != 0) {
    snprintf(f->result, sizeof(f->result), "EVAL: %s", duk_safe_to_string(ctx, -1));
  } else {
    snprintf(f->result, sizeof(f->result), "%s", duk_safe_to_string(ctx, -1));
  }
  duk_pop(ctx);
  return f->result;
}

/* Runs src in a fresh heap and compares the log. */
static int check_log(const char *src, const char *expected) {
  fixture f;
  if (fixture_open(&f) != 0) {
    fprintf(stderr, "fixture_open failed\n");
    return 1;
  }
  duk_idx_t top = duk_get_top(f.ctx);
  const char *got = run(&f, src);
  int rc = strcmp(got, expected) != 0;
  if (rc)
    fprintf(stderr, "snippet: %s\n  expected: %s\n  got:      %s\n", src, expected, got);
  if (duk_get_top(f.ctx) != top) {
    fprintf(stderr, "snippet: %s\n  value stack %d -> %d\n", src, (int)top,
            (int)duk_get_top(f.ctx));
    rc = 1;
  }
  fixture_close(&f);
  return rc;
}

#define CHECK_LOG(src, expected) ASSERT(check_log((src), (expected)) == 0)

static const struct {
  const char *src;
  const char *expected;
} ordering[] = {
    {"Promise.resolve().then(function(){L(1)}); queueMicrotask(function(){L(2)}); "
     "Promise.resolve().then(function(){L(3)});",
     "1 2 3"},
    {"var p = new Promise(function(r){ r(Promise.resolve()); }); "
     "p.then(function(){L('p')}); tick(5);",
     "1 2 p 3 4 5"},
    {"var t = {then: function(r){ L('then'); r('t'); }}; "
     "Promise.resolve(t).then(function(v){L(v)}); tick(4);",
     "then 1 t 2 3 4"},
    {"Promise.resolve().then(function(){ L('a'); return Promise.resolve('x'); "
     "}).then(function(v){L(v)}); tick(6);",
     "a 1 2 3 x 4 5 6"},
    {"Promise.resolve(1).finally(function(){L('f')}).then(function(v){L('v'+v)}); "
     "tick(6);",
     "f 1 2 3 v1 4 5 6"},
    {"Promise.reject(2).finally(function(){L('f'); return "
     "Promise.resolve(9)}).catch(function(v){L('r'+v)}); tick(8);",
     "f 1 2 3 r2 4 5 6 7 8"},
    {"Promise.all([1, Promise.resolve(2), "
     "{then:function(r){r(3)}}]).then(function(v){L('all'+v.join(''))}); tick(5);",
     "1 2 all123 3 4 5"},
    {"Promise.race([new Promise(function(r){r('a')}), "
     "Promise.resolve('b')]).then(function(v){L(v)}); tick(3);",
     "1 a 2 3"},
    {"queueMicrotask(function(){ L(1); queueMicrotask(function(){L(3)}); "
     "Promise.resolve().then(function(){L(4)}); }); queueMicrotask(function(){ L(2); "
     "});",
     "1 2 3 4"},
    {"Promise.reject(1).then(function(){L('no')}).catch(function(e){L('c'+e)}); "
     "tick(4);",
     "1 c1 2 3 4"},
    {"L('s'); new Promise(function(r){ L('e'); r(); L('e2'); "
     "}).then(function(){L('t')}); L('end');",
     "s e e2 end t"},
    {"Promise.allSettled([1, "
     "Promise.reject(2)]).then(function(v){L(JSON.stringify(v))}); "
     "Promise.any([Promise.reject(1), 2]).then(function(v){L('any'+v)}); tick(5);",
     "1 [{\"status\":\"fulfilled\",\"value\":1},{\"status\":\"rejected\",\"reason\":2}] any2 2 3 4 "
     "5"},
    {"new Promise(function(r){ r(Promise.reject(5)); }).catch(function(e){L('c'+e)}); "
     "tick(4);",
     "1 2 c5 3 4"},
    {"var t = {then: function(r){ queueMicrotask(function(){ L('q'); r('late'); }); "
     "}}; new Promise(function(r){ r(t); }).then(function(v){L(v)}); tick(4);",
     "1 q 2 late 3 4"},
    {"var p = Promise.resolve(1); L(Promise.resolve(p) === p); "
     "Promise.resolve(p).then(function(v){L('a'+v)}); new "
     "Promise(function(r){r(p)}).then(function(v){L('b'+v)}); tick(4);",
     "true a1 1 2 b1 3 4"},
    {"var p = Promise.resolve(); p.then(function(){L(1)}); p.then(function(){L(2)}); "
     "p.then(function(){L(3)}).then(function(){L(5)}); p.then(function(){L(4)});",
     "1 2 3 4 5"},
    {"var d = Promise.withResolvers(); d.promise.then(function(v){L('w'+v)}); tick(2, "
     "'t'); Promise.resolve().then(function(){ d.resolve(7); d.resolve(8); "
     "d.reject(9); }); tick(3, 'u');",
     "t1 u1 t2 w7 u2 u3"},
    {"var res; var p = new Promise(function(r){ res = r; }); "
     "p.then(function(v){L('p'+v)}); Promise.resolve().then(function(){L('x'); "
     "res(1)}).then(function(){L('y')}); tick(4);",
     "x 1 p1 y 2 3 4"},
    {"Promise.resolve().then(function(){ throw 1 }).then(null, function(e){L('e'+e); "
     "return Promise.reject(2)}).catch(function(e){L('f'+e)}); tick(7);",
     "1 e1 2 3 4 f2 5 6 7"},
    {"Promise.all([]).then(function(v){L('empty'+v.length)}); "
     "Promise.allSettled([]).then(function(){L('es')}); "
     "Promise.any([]).catch(function(e){L(e.name+e.errors.length)}); tick(2);",
     "empty0 es AggregateError0 1 2"},
    {"Promise.any([Promise.reject(1), "
     "Promise.reject(2)]).catch(function(e){L(e.constructor === AggregateError); L(e "
     "instanceof Error); L(e.errors.join())}); tick(4);",
     "1 true true 1,2 2 3 4"},
    {"var tt = {then: function(r,j){ L('g'); r(1); r(2); j(3); throw 4; }}; "
     "Promise.resolve(tt).then(function(v){L('v'+v)}, function(e){L('e'+e)}); tick(3);",
     "g 1 v1 2 3"},
};

TEST(promise_ordering_matches_node) {
  int failed = 0;
  for (size_t i = 0; i < sizeof(ordering) / sizeof(ordering[0]); i++)
    failed += check_log(ordering[i].src, ordering[i].expected);
  ASSERT_EQ(failed, 0);
  return 0;
}

TEST(promise_then_catch_finally) {
  /* Pass-through of non-callable handlers, catch as then(undefined, f), finally keeping the
   * value or reason unless its callback throws or returns a rejected promise. */
  CHECK_LOG("Promise.resolve(1).then(5).then(function(v){L('a'+v)});"
            "Promise.reject(2).then(function(){L('no')}).then(null, function(e){L('b'+e)});"
            "Promise.reject(3).catch(function(e){L('c'+e); return 4}).then(function(v){L('d'+v)});"
            "Promise.resolve(5).finally(function(){ return 99 }).then(function(v){L('e'+v)});"
            "Promise.reject(6).finally(function(){}).catch(function(e){L('f'+e)});"
            "Promise.resolve(7).finally(function(){ throw 8 }).catch(function(e){L('g'+e)});"
            "Promise.resolve(9).finally(function(){ return Promise.reject(10) })"
            "  .catch(function(e){L('h'+e)});"
            "Promise.resolve(11).finally(function(){ L('n'+arguments.length) }).then(function(v){"
            "  L('i'+v)});"
            "Promise.resolve(12).finally(7).then(function(v){L('j'+v)});",
            "c3 n0 a1 b2 d4 g8 j12 e5 f6 h10 i11");
  /* The finally callback's promise is awaited before the chain goes on. */
  CHECK_LOG("var r; Promise.resolve(1).finally(function(){ return new Promise(function(x){r=x}) })"
            "  .then(function(v){L('v'+v)});"
            "Promise.resolve().then(function(){}).then(function(){}).then(function(){"
            "  L('before'); r(); });",
            "before v1");
  /* catch and finally work on any object with a then method (they Invoke it). */
  CHECK_LOG("var o = {then: function(a, b){ L(typeof a + typeof b); return 'r' }};"
            "L(Promise.prototype.catch.call(o, function(){}));"
            "L(Promise.prototype.finally.call(o, function(){}));",
            "undefinedfunction r functionfunction r");
  CHECK_LOG("try { Promise.prototype.then.call({}, function(){}) } catch (e) { L(e.name) }"
            "try { Promise.prototype.finally.call(1) } catch (e) { L(e.name) }",
            "TypeError TypeError");
  return 0;
}

TEST(promise_constructor) {
  CHECK_LOG("try { Promise(function(){}) } catch (e) { L(e.name) }"
            "try { new Promise(1) } catch (e) { L(e.name) }"
            "try { new Promise() } catch (e) { L(e.name) }"
            "var p = new Promise(function(){});"
            "L(p instanceof Promise); L(Object.prototype.toString.call(p));"
            "L(Object.getPrototypeOf(p) === Promise.prototype); L(p.constructor === Promise);"
            "L(typeof Promise.prototype.then); L(Promise.name); L(Promise.prototype.then.name);"
            "L(Object.keys(Promise.prototype).length + Object.keys(p).length);"
            "L(typeof queueMicrotask);",
            "TypeError TypeError TypeError true [object Promise] true true function Promise then 0 "
            "function");
  /* An executor's throw rejects unless it resolved first; the resolving functions act once
   * and have length 1. */
  CHECK_LOG("new Promise(function(){ throw 1 }).catch(function(e){L('a'+e)});"
            "new Promise(function(r){ r(2); throw 3 }).then(function(v){L('b'+v)});"
            "new Promise(function(r, j){ j(4); r(5); j(6); }).catch(function(e){L('c'+e)});"
            "new Promise(function(r, j){ L(r.length + '' + j.length); r(); L(r() + '') });",
            "11 undefined a1 b2 c4");
  /* Promise.resolve keeps a promise of the same constructor, wraps anything else. */
  CHECK_LOG(
      "var p = Promise.resolve(1); L(Promise.resolve(p) === p);"
      "var q = new Promise(function(){}); q.constructor = Object; L(Promise.resolve(q) === q);"
      "try { Promise.resolve.call(1, 2) } catch (e) { L(e.name) }"
      "Promise.reject(p).catch(function(e){ L(e === p) });",
      "true false TypeError true");
  return 0;
}

TEST(promise_combinators) {
  /* Array-likes are accepted (Node rejects the one here: it has no @@iterator); otherwise
   * the logs are Node's. */
  CHECK_LOG("Promise.all([1, Promise.reject(2), Promise.reject(3)]).catch(function(e){L('a'+e)});"
            "Promise.all({length: 2, 0: 'x', 1: Promise.resolve('y')}).then(function(v){"
            "  L('b'+v.join(''))});"
            "Promise.all('hi').then(function(v){L('c'+v.join('-'))});"
            "Promise.all(5).catch(function(e){L('d'+e.name)});"
            "Promise.all({}).catch(function(e){L('e'+e.name)});"
            "Promise.race([Promise.reject(7), 8]).catch(function(e){L('f'+e)});"
            "Promise.race([]).then(function(){L('never')}, function(){L('never')});"
            "Promise.any([Promise.reject(1), Promise.resolve(9)]).then(function(v){L('g'+v)});",
            "dTypeError eTypeError a2 bxy ch-i f7 g9");
  CHECK_LOG("Promise.allSettled([Promise.reject(1), 2, new Promise(function(){})])"
            "  .then(function(){L('no')});"
            "Promise.any([Promise.reject(1), Promise.reject(2)]).catch(function(e){"
            "  L(e instanceof AggregateError); L(e.name); L(e.message); L(e.errors.join())});",
            "true AggregateError All promises were rejected 1,2");
  /* Element functions act once; a custom resolve is used; a throwing one rejects. */
  CHECK_LOG("var calls = 0, orig = Promise.resolve;"
            "var thenable = {then: function(r){ r(1); r(2) }};"
            "Promise.all([thenable, thenable]).then(function(v){L(v.join())});"
            "Promise.resolve = function(x){ calls++; return orig.call(Promise, x) };"
            "Promise.all([1, 2, 3]).then(function(){L('calls'+calls)});"
            "Promise.resolve = function(){ throw 'bad' };"
            "Promise.race([1]).catch(function(e){L(e)});"
            "Promise.resolve = 5;"
            "Promise.all([1]).catch(function(e){L(e.name)});"
            "Promise.resolve = orig;",
            "bad TypeError calls3 1,1");
  /* withResolvers hands out a working pair. */
  CHECK_LOG("var d = Promise.withResolvers(); L(d.promise instanceof Promise);"
            "L(typeof d.resolve + typeof d.reject); d.reject(3); d.resolve(4);"
            "d.promise.catch(function(e){L('r'+e)});",
            "true functionfunction r3");
  return 0;
}

TEST(promise_iterator_protocol) {
  /* With @@iterator the iterator protocol is used, and the iterator is closed when a step
   * after the iterator's own calls throws. */
  CHECK_LOG(
      "if (typeof Symbol === 'function' && Symbol.iterator) {"
      "  var it = {}; var n = 0;"
      "  it[Symbol.iterator] = function(){ return { next: function(){"
      "    n++; return n <= 3 ? {value: n, done: false} : {done: true} },"
      "    'return': function(){ L('closed') } } };"
      "  Promise.all(it).then(function(v){L(v.join())});"
      "  var bad = {}; bad[Symbol.iterator] = function(){ return { next: function(){"
      "    return {value: {then: 1}, done: false} }, 'return': function(){ L('closed') } } };"
      "  var orig = Promise.resolve; var k = 0;"
      "  Promise.resolve = function(x){ if (++k > 1) throw 'stop'; return orig.call(this, x) };"
      "  Promise.all(bad).catch(function(e){L(e)}); Promise.resolve = orig;"
      "  var throwing = {}; throwing[Symbol.iterator] = function(){ return { next: function(){"
      "    throw 'next' }, 'return': function(){ L('wrongly closed') } } };"
      "  Promise.race(throwing).catch(function(e){L(e)});"
      "} else { L('closed stop next 1,2,3') }",
      "closed stop next 1,2,3");
  return 0;
}

TEST(promise_thenables) {
  /* The then getter is read once, a throwing getter rejects, resolve/reject calls after the
   * first are ignored, and a throw after resolving is ignored. */
  CHECK_LOG("var reads = 0; var o = {}; Object.defineProperty(o, 'then', {get: function(){"
            "  reads++; return function(r){ r('o') } }});"
            "Promise.resolve(o).then(function(v){L(v + reads)});"
            "var bad = {}; Object.defineProperty(bad, 'then', {get: function(){ throw 'getter' }});"
            "Promise.resolve(bad).catch(function(e){L(e)});"
            "new Promise(function(r){ r({then: function(a, b){ a(1); b(2); a(3); throw 4 }}) })"
            "  .then(function(v){L('v'+v)}, function(e){L('e'+e)});"
            "new Promise(function(r){ r({then: function(){ throw 5 }}) }).catch(function(e){"
            "  L('t'+e)});"
            "new Promise(function(r){ r({then: 7}) }).then(function(v){L(typeof v.then)});",
            "getter number o1 v1 t5");
  /* Resolving with a thenable that resolves with another thenable, and a function with a
   * then method. */
  CHECK_LOG("var inner = {then: function(r){ r('deep') }};"
            "Promise.resolve({then: function(r){ r(inner) }}).then(function(v){L(v)});"
            "var f = function(){}; f.then = function(r){ r('fn') };"
            "Promise.resolve(f).then(function(v){L(v)});",
            "fn deep");
  return 0;
}

TEST(promise_self_resolution) {
  CHECK_LOG("var r; var p = new Promise(function(x){ r = x }); r(p);"
            "p.catch(function(e){ L(e instanceof TypeError) });"
            "var q = Promise.resolve().then(function(){ return q });"
            "q.catch(function(e){ L(e.name) });",
            "true TypeError");
  return 0;
}

TEST(promise_unhandled_rejection_logged) {
  fixture f;
  ASSERT(fixture_open(&f) == 0);
  run(&f, "Promise.reject(new Error('boom'));"
          "Promise.reject('plain');"
          "var late = Promise.reject('late'); Promise.resolve().then(function(){"
          "  late.catch(function(){}) });"
          "Promise.reject('handled').catch(function(){});"
          "Promise.reject('chained').then(function(){});");
  ASSERT_EQ(f.n_logs, 3);
  ASSERT(strstr(f.logs, "Unhandled promise rejection: Error: boom") == f.logs);
  ASSERT(strstr(f.logs, "\nUnhandled promise rejection: plain\n"));
  ASSERT(strstr(f.logs, "\nUnhandled promise rejection: chained\n"));
  /* Reported once; a handler attached afterwards is fine; a new rejection is reported. */
  run(&f, "Promise.reject('second');");
  ASSERT_EQ(f.n_logs, 4);
  ASSERT(strstr(f.logs, "Unhandled promise rejection: second\n"));
  run(&f, "");
  ASSERT_EQ(f.n_logs, 4);
  fixture_close(&f);
  return 0;
}

TEST(promise_queue_microtask_errors) {
  fixture f;
  ASSERT(fixture_open(&f) == 0);
  ASSERT_STREQ(run(&f, "queueMicrotask(function(){ L(1); throw new TypeError('qm') });"
                       "queueMicrotask(function(){ L(2) });"
                       "try { queueMicrotask(5) } catch (e) { L(e.name) }"),
               "TypeError 1 2");
  ASSERT_EQ(f.n_logs, 1);
  ASSERT(strstr(f.logs, "Uncaught (in queueMicrotask) TypeError: qm") == f.logs);
  fixture_close(&f);
  return 0;
}

static duk_ret_t exhaust_cpu(duk_context *ctx) {
  duk_memory_functions mf;
  duk_get_memory_functions(ctx, &mf);
  ((edgefn__heap_ctl *)mf.udata)->cpu_exceeded = true;
  return 0;
}

TEST(promise_drain_stops_on_limits) {
  fixture f;
  ASSERT(fixture_open(&f) == 0);
  duk_context *ctx = f.ctx;
  duk_push_c_function(ctx, exhaust_cpu, 0);
  duk_put_global_string(ctx, "exhaustCpu");
  ASSERT_EQ(duk_peval_string_noresult(ctx, "queueMicrotask(function(){ L(1) });"
                                           "queueMicrotask(function(){ L(2); exhaustCpu() });"
                                           "queueMicrotask(function(){ L(3) });"
                                           "Promise.reject('pending report');"),
            0);
  ASSERT_EQ(drain(&f), 2);
  ASSERT_EQ(f.n_logs, 0); /* the queue did not empty: no unhandled-rejection report yet */
  ASSERT_EQ(drain(&f), 0);
  f.ctl.cpu_exceeded = false;
  f.ctl.mem_exceeded = true;
  ASSERT_EQ(drain(&f), 0);
  f.ctl.mem_exceeded = false;
  ASSERT_EQ(drain(&f), 1);
  ASSERT_STREQ(run(&f, ""), "1 2 3");
  ASSERT_EQ(f.n_logs, 1);
  /* A cleared queue runs nothing. */
  ASSERT_EQ(duk_peval_string_noresult(ctx, "queueMicrotask(function(){ L(4) });"), 0);
  edgefn__microtasks_clear(ctx);
  ASSERT_EQ(drain(&f), 0);
  ASSERT_STREQ(run(&f, ""), "1 2 3");
  fixture_close(&f);
  return 0;
}

static duk_ret_t c_api_unsafe(duk_context *ctx, void *udata) {
  int *checks = udata;
  duk_idx_t top = duk_get_top(ctx);
  duk_peval_string(ctx, "Promise.resolve(1)");
  edgefn__promise_push_resolved(ctx, -1);
  *checks += duk_strict_equals(ctx, -1, -2);
  *checks += edgefn__is_thenable(ctx, -1);
  duk_pop_2(ctx);
  duk_push_int(ctx, 42);
  edgefn__promise_push_resolved(ctx, -1);
  *checks += !duk_strict_equals(ctx, -1, -2) && edgefn__is_thenable(ctx, -1);
  duk_put_global_string(ctx, "resolved");
  edgefn__promise_push_rejected(ctx, -1);
  duk_put_global_string(ctx, "rejected");
  duk_pop(ctx);
  duk_peval_string(ctx, "var o = {}; Object.defineProperty(o, 'then', {get: function(){"
                        "  throw 1 }}); o");
  *checks += !edgefn__is_thenable(ctx, -1);
  duk_push_object(ctx);
  *checks += !edgefn__is_thenable(ctx, -1);
  duk_push_int(ctx, 1);
  *checks += !edgefn__is_thenable(ctx, -1);
  duk_pop_3(ctx);
  *checks += duk_get_top(ctx) == top;
  return 0;
}

TEST(promise_c_api_and_stack_balance) {
  fixture f;
  ASSERT(fixture_open(&f) == 0);
  duk_context *ctx = f.ctx;
  duk_idx_t top = duk_get_top(ctx);
  int checks = 0;
  ASSERT_EQ(duk_safe_call(ctx, c_api_unsafe, &checks, 0, 1), DUK_EXEC_SUCCESS);
  duk_pop(ctx);
  ASSERT_EQ(checks, 7);
  ASSERT_STREQ(run(&f, "resolved.then(function(v){L(v)}); rejected.catch(function(e){L(e)});"),
               "42 42");
  /* Installing twice is a no-op. */
  ASSERT_EQ(duk_safe_call(ctx, install_safe, NULL, 0, 1), DUK_EXEC_SUCCESS);
  duk_pop(ctx);
  ASSERT_EQ(duk_get_top(ctx), top);
  fixture_close(&f);

  /* An unlimited heap (no heap_ctl) works too. */
  ctx = edgefn__heap_new(NULL);
  ASSERT(ctx);
  ASSERT_EQ(duk_safe_call(ctx, install_safe, NULL, 0, 1), DUK_EXEC_SUCCESS);
  duk_pop(ctx);
  ASSERT_EQ(duk_peval_string_noresult(ctx, "var x = 0; Promise.resolve(1).then(function(v){"
                                           "  x = v + 1 })"),
            0);
  size_t n = 0;
  ASSERT_EQ(duk_safe_call(ctx, drain_safe, &n, 0, 1), DUK_EXEC_SUCCESS);
  duk_pop(ctx);
  ASSERT_EQ(n, 1);
  duk_get_global_string(ctx, "x");
  ASSERT_EQ(duk_get_int(ctx, -1), 2);
  duk_pop(ctx);
  ASSERT_EQ(duk_get_top(ctx), 0);
  duk_destroy_heap(ctx);
  return 0;
}

TEST(promise_long_chains_and_queue_growth) {
  /* Thousands of jobs queued at once (the ring grows) and a long sequential chain (the ring
   * wraps many times). */
  CHECK_LOG("var n = 0; for (var i = 0; i < 5000; i++) Promise.resolve(i).then(function(){ n++ });"
            "var p = Promise.resolve(0);"
            "for (var j = 0; j < 3000; j++) p = p.then(function(v){ return v + 1 });"
            "p.then(function(v){ L(n + ' ' + v) });"
            "var all = []; for (var k = 0; k < 1000; k++) all.push(Promise.resolve(k));"
            "Promise.all(all).then(function(v){ L(v.length + ' ' + v[999]) });",
            "1000 999 5000 3000");
  return 0;
}

TEST(promise_aggregate_error) {
  CHECK_LOG(
      "var e = new AggregateError([1, 2], 'msg'); L(e.message); L(e.errors.length);"
      "L(e instanceof Error); L(e.name); L(Object.prototype.hasOwnProperty.call(e, 'errors'));"
      "L(AggregateError('x').errors === undefined);"
      "L(AggregateError([]).message === '');"
      "try { new AggregateError() } catch (x) { L(x.name) }",
      "msg 2 true AggregateError true false true TypeError");
  return 0;
}
