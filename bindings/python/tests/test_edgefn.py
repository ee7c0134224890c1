"""Tests of the Python binding against the built library: run as
    EDGEFN_LIBRARY=build/lib/libedgefn.so python3 bindings/python/tests/test_edgefn.py
(scripts/test runs it through meson: `meson test -C build python`)."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import edgefn  # noqa: E402

ECHO = r"""
addEventListener('fetch', function (e) {
  var r = e.request;
  e.respondWith(r.text().then(function (body) {
    return new Response(JSON.stringify({method: r.method, url: r.url,
      agent: r.headers.get('user-agent'), body: body}),
      {status: 201, headers: {'content-type': 'application/json', 'x-fn': 'echo'}});
  }));
});
"""


class BindingTest(unittest.TestCase):
    def setUp(self):
        self.loop = edgefn.Loop()

    def tearDown(self):
        self.loop.close()

    def test_version_and_loop_fd(self):
        self.assertRegex(edgefn.library_version(), r"^\d+\.\d+\.\d+")
        self.assertGreaterEqual(self.loop.fd(), 0)
        self.assertFalse(self.loop.alive())

    def test_dispatch_and_read_response(self):
        with edgefn.Runtime(self.loop, edgefn.Script(ECHO)) as rt:
            r = rt.fetch("https://example.com/a?b=1", method="POST",
                         headers={"User-Agent": "py"}, body="hé")
            self.assertEqual(r.result, 0)
            self.assertEqual(r.status, 201)
            self.assertEqual(r.header("X-FN"), "echo")
            self.assertEqual(r.json(), {"method": "POST", "url": "https://example.com/a?b=1",
                                        "agent": "py", "body": "hé"})
            # Many requests on one runtime, one after another.
            for i in range(20):
                self.assertEqual(rt.fetch(f"https://example.com/{i}").json()["url"],
                                 f"https://example.com/{i}")
            self.assertEqual(rt.pending, 0)

    def test_syntax_error_has_position(self):
        with self.assertRaises(edgefn.Error) as cm:
            edgefn.Script("var x = ;\n", filename="bad.js")
        self.assertLess(cm.exception.code, 0)
        self.assertEqual(cm.exception.line, 1)
        self.assertIn("syntax", str(cm.exception).lower())

    def test_exception_pass_and_console(self):
        src = """
        addEventListener('fetch', function (e) {
          console.log('seen', e.request.url);
          if (e.request.url.indexOf('/pass') >= 0) return;
          throw new Error('boom');
        });"""
        with edgefn.Runtime(self.loop, edgefn.Script(src)) as rt:
            r = rt.fetch("https://x/err")
            self.assertEqual(r.status, 500)
            self.assertIn("boom", rt.last_error)
            p = rt.fetch("https://x/pass")
            self.assertTrue(p.passed)
            self.assertIn("seen https://x/err", [t for _, t in rt.logs])

    def test_top_level_error_raises(self):
        with self.assertRaises(edgefn.Error) as cm:
            edgefn.Runtime(self.loop, edgefn.Script("throw new TypeError('at start');"))
        self.assertIn("at start", str(cm.exception))

    def test_module_awaits_before_serving(self):
        src = """
        const greeting = await new Promise(r => setTimeout(() => r('ready'), 10));
        export default { fetch() { return new Response(greeting); } };"""
        with edgefn.Runtime(self.loop, edgefn.Script(src, filename="fn.mjs")) as rt:
            self.assertEqual(rt.status, edgefn.EAGAIN)
            r = rt.fetch("https://x/")  # waits for the module, then runs
            self.assertEqual((r.status, r.body), (200, b"ready"))
            self.assertEqual(rt.status, 0)

    def test_env_and_kv(self):
        src = """
        addEventListener('fetch', function (e) {
          var u = new URL(e.request.url);
          var k = u.searchParams.get('k');
          e.respondWith((u.pathname === '/put'
              ? STORE.put(k, u.searchParams.get('v'), {metadata: {by: GREETING}})
                  .then(function () { return 'stored'; })
              : STORE.getWithMetadata(k).then(function (r) {
                  return r.value + ' ' + JSON.stringify(r.metadata); }))
            .then(function (t) { return new Response(GREETING + ': ' + t); }));
        });"""
        script = edgefn.Script(src)
        kv = edgefn.KV.memory()
        with edgefn.Runtime(self.loop, script, kv={"STORE": kv}, env={"GREETING": "hi"}) as a, \
                edgefn.Runtime(self.loop, script, kv={"STORE": kv}, env={"GREETING": "yo"}) as b:
            self.assertEqual(a.fetch("https://x/put?k=n&v=1").text(), "hi: stored")
            self.assertEqual(b.fetch("https://x/get?k=n").text(), 'yo: 1 {"by":"hi"}')
            self.assertEqual(b.fetch("https://x/get?k=none").text(), "yo: null null")
        # Another namespace of the same store sees nothing.
        with edgefn.Runtime(self.loop, script, kv={"STORE": (kv, "other")},
                            env={"GREETING": "ns"}) as c:
            self.assertEqual(c.fetch("https://x/get?k=n").text(), "ns: null null")
        kv.close()

    def test_sqlite_kv_persists(self):
        src = """addEventListener('fetch', function (e) {
          e.respondWith(DB.get('n').then(function (v) {
            var n = (v === null ? 0 : Number(v)) + 1;
            return DB.put('n', String(n)).then(function () { return new Response(String(n)); });
          })); });"""
        script = edgefn.Script(src)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "kv.db")
            for expected in ("1", "2"):
                kv = edgefn.KV.sqlite(self.loop, path)
                with edgefn.Runtime(self.loop, script, kv={"DB": kv}) as rt:
                    self.assertEqual(rt.fetch("https://x/").text(), expected)
                kv.close()
            with self.assertRaises(edgefn.Error):
                edgefn.KV.sqlite(self.loop, os.path.join(d, "missing", "dir", "kv.db"))

    @unittest.skipUnless(shutil.which("redis-server"), "redis-server not installed")
    def test_redis_kv_shared_by_two_loops(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        srv = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.02)
            src = """addEventListener('fetch', function (e) {
              var put = e.request.method === 'POST';
              e.respondWith((put ? R.put('k', 'from ' + WHO) : R.get('k'))
                .then(function (v) { return new Response(String(v)); })); });"""
            script = edgefn.Script(src)
            other = edgefn.Loop()
            ka = edgefn.KV.redis(self.loop, port=port)
            kb = edgefn.KV.redis(other, port=port)
            with edgefn.Runtime(self.loop, script, kv={"R": ka}, env={"WHO": "a"}) as a, \
                    edgefn.Runtime(other, script, kv={"R": kb}, env={"WHO": "b"}) as b:
                self.assertEqual(b.fetch("https://x/").text(), "null")
                self.assertEqual(a.fetch("https://x/", method="POST").text(), "undefined")
                self.assertEqual(b.fetch("https://x/").text(), "from a")
            ka.close()
            kb.close()
            other.close()
        finally:
            srv.terminate()
            srv.wait()

    def test_rules_json_and_builder(self):
        rules = edgefn.Rules.from_json({"version": 1, "rules": [
            {"function": "api", "match": [[{"field": "path", "operator": "prefix",
                                            "values": ["/api/"]}]]},
            {"function": "img", "match": [[{"field": "extension", "operator": "equals",
                                            "values": ["png"], "ignoreCase": True}]]}]})
        self.assertEqual(len(rules), 2)
        self.assertEqual(rules.function(1), "img")
        self.assertEqual(rules.match("https://x/api/v1"), "api")
        self.assertEqual(rules.match("https://x/a.PNG"), "img")
        self.assertIsNone(rules.match("https://x/index.html"))
        with self.assertRaises(edgefn.Error) as cm:
            edgefn.Rules.from_json('{"version": 1, "rules": [{"function": "x", "match": '
                                   '[[{"field": "path", "operator": "startswith"}]]}]}')
        self.assertIn("startswith", str(cm.exception))

        b = edgefn.RulesBuilder()
        b.rule("geo").condition("header", "equals", ["1"], name="X-Test")
        b.group().condition("client_ip", "equals", ["10.0.0.0/8"])
        built = b.build()
        b.close()
        self.assertEqual(built.match("https://x/", headers={"x-test": "1"}), "geo")
        self.assertEqual(built.match("https://x/", client_ip="10.2.3.4"), "geo")
        self.assertIsNone(built.match("https://x/", client_ip="192.0.2.1"))
        with self.assertRaises(edgefn.Error):
            edgefn.RulesBuilder().rule("r").condition("client_ip", "equals", ["not-an-ip"])


if __name__ == "__main__":
    # The test command adds up "N passed, N failed" lines (scripts/test).
    result = unittest.main(verbosity=2, exit=False).result
    failed = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (result.testsRun - failed, failed))
    sys.exit(1 if failed else 0)
