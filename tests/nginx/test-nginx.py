#!/usr/bin/env python3
"""Integration test of bindings/nginx: a real nginx (Debian's /usr/sbin/nginx) loads the
module and serves functions, the default path to an origin (another server block of the same
nginx), subrequests, KV, env values, timers and request bodies.

    tests/nginx/test-nginx.py MODULE.so
"""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

MODULE = None

HELLO = r"""
addEventListener('fetch', function (e) {
  var url = new URL(e.request.url);
  var p = url.pathname;
  if (p === '/fn/count') {
    e.respondWith(KV.get('n').then(function (v) {
      var n = (v === null ? 0 : Number(v)) + 1;
      return KV.put('n', String(n)).then(function () {
        return new Response(GREETING + ' ' + n, {headers: {'x-fn': 'hello'}});
      });
    }));
  } else if (p === '/fn/echo') {
    e.respondWith(e.request.text().then(function (t) {
      return new Response(e.request.method + ' ' + t.length + ' ' + t.slice(0, 10),
        {status: 201, headers: {'content-type': 'text/x-echo'}});
    }));
  } else if (p === '/fn/timer') {
    e.respondWith(new Promise(function (res) {
      setTimeout(function () { res(new Response('late')); }, 50);
    }));
  } else if (p === '/fn/sub') {
    e.respondWith(fetch('http://site.test/from-function').then(function (r) {
      return r.text(); }).then(function (t) { return new Response('sub: ' + t); }));
  } else if (p === '/fn/throw') {
    throw new Error('boom');
  }
  /* anything else: no respondWith, the request goes to the origin */
});
"""

RULES = """{"version": 1, "rules": [
  {"function": "hello", "match": [[{"field": "path", "operator": "prefix", "values": ["/fn/"]}]]}
]}"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class NginxModuleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="edgefn-nginx-")
        os.chmod(cls.dir, 0o755)
        cls.port, cls.origin = free_port(), free_port()
        with open(os.path.join(cls.dir, "hello.js"), "w") as f:
            f.write(HELLO)
        with open(os.path.join(cls.dir, "rules.json"), "w") as f:
            f.write(RULES)
        cls.conf = os.path.join(cls.dir, "nginx.conf")
        cls.write_conf(cls.conf, os.path.join(cls.dir, "hello.js"))
        cls.proc = subprocess.Popen(
            ["nginx", "-p", cls.dir, "-c", cls.conf, "-e", os.path.join(cls.dir, "error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", cls.port), timeout=0.2).close()
                break
            except OSError:
                if cls.proc.poll() is not None:
                    raise RuntimeError("nginx exited: " + cls.proc.stderr.read().decode() +
                                       cls.error_log())
                time.sleep(0.05)
        else:
            raise RuntimeError("nginx did not start")

    @classmethod
    def write_conf(cls, path, script, extra=""):
        d = cls.dir
        user = "user root;" if os.geteuid() == 0 else ""
        with open(path, "w") as f:
            f.write(f"""
load_module {MODULE};
{user}
daemon off;
worker_processes 1;
pid {d}/nginx.pid;
events {{ worker_connections 512; }}
http {{
  access_log off;
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  client_body_buffer_size 16k;
  client_max_body_size 4m;
  edgefn_function hello {script};
  edgefn_rules {d}/rules.json;
  edgefn_origin site.test 127.0.0.1:{cls.origin};
  edgefn_kv KV sqlite:{d}/kv.db;
  edgefn_env GREETING hi;
  {extra}
  server {{ listen 127.0.0.1:{cls.port}; location / {{ edgefn; }} }}
  server {{ listen 127.0.0.1:{cls.origin}; location / {{ return 200 "origin $request_uri"; }} }}
}}
""")

    @classmethod
    def error_log(cls):
        try:
            with open(os.path.join(cls.dir, "error.log")) as f:
                return f.read()
        except OSError:
            return ""

    @classmethod
    def tearDownClass(cls):
        cls.proc.send_signal(signal.SIGQUIT)  # graceful: the workers' exit hooks run
        try:
            cls.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            cls.proc.kill()
            cls.proc.wait()
        log = cls.error_log()
        shutil.rmtree(cls.dir, ignore_errors=True)
        if "[alert]" in log or "[emerg]" in log or "signal 11" in log:
            raise AssertionError("nginx logged: " + log)

    def get(self, path, method="GET", body=None, host="site.test"):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        c.request(method, path, body=body, headers={"Host": host})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data.decode()

    def test_function_kv_env(self):
        s1, h, b1 = self.get("/fn/count")
        s2, _, b2 = self.get("/fn/count")
        self.assertEqual((s1, s2), (200, 200))
        self.assertEqual(h.get("x-fn"), "hello")
        n1, n2 = int(b1.split()[1]), int(b2.split()[1])
        self.assertEqual(b1.split()[0], "hi")
        self.assertEqual(n2, n1 + 1)

    def test_default_path_to_origin(self):
        self.assertEqual(self.get("/plain?x=1"), (200, self.get("/plain?x=1")[1],
                                                  "origin /plain?x=1"))
        self.assertEqual(self.get("/fn/declines")[2], "origin /fn/declines")

    def test_request_body_and_status(self):
        # Small (read with the head), and larger than client_body_buffer_size (a temp file).
        for size in (5, 100000, 3000000):
            s, h, b = self.get("/fn/echo", method="POST", body=b"x" * size)
            self.assertEqual(s, 201)
            self.assertEqual(h.get("content-type"), "text/x-echo")
            self.assertEqual(b, "POST %d %s" % (size, "x" * min(size, 10)))

    def test_timer_and_subrequest(self):
        t = time.monotonic()
        self.assertEqual(self.get("/fn/timer")[2], "late")
        self.assertGreaterEqual(time.monotonic() - t, 0.045)
        self.assertEqual(self.get("/fn/sub")[2], "sub: origin /from-function")

    def test_exception_is_500(self):
        self.assertEqual(self.get("/fn/throw")[0], 500)

    def test_unknown_host_is_502(self):
        self.assertEqual(self.get("/x", host="nowhere.test")[0], 502)

    def test_concurrent_requests(self):
        results = []

        def worker():
            for _ in range(10):
                results.append(self.get("/fn/timer")[2])
        threads = [threading.Thread(target=worker) for _ in range(8)]
        t = time.monotonic()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(results, ["late"] * 80)
        # 80 requests of 50 ms each on one worker overlap instead of queueing (80 × 50 ms = 4 s).
        self.assertLess(time.monotonic() - t, 3.0)

    def test_bad_script_fails_config_test(self):
        bad = os.path.join(self.dir, "bad.js")
        with open(bad, "w") as f:
            f.write("addEventListener('fetch', function (e) {\n  var x = ;\n});\n")
        conf = os.path.join(self.dir, "bad.conf")
        self.write_conf(conf, bad)
        r = subprocess.run(["nginx", "-t", "-p", self.dir, "-c", conf, "-e",
                            os.path.join(self.dir, "bad-error.log")],
                           capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("bad.js:2:", r.stderr)


SHARED = r"""
addEventListener('fetch', function (e) {
  var u = new URL(e.request.url);
  if (e.request.method === 'POST') {
    e.respondWith(SHARED.get('n').then(function (v) {
      var n = (v === null ? 0 : Number(v)) + 1;
      return SHARED.put('n', String(n), {metadata: {by: WHO}}).then(function () {
        return new Response(WHO + ' ' + n); }); }));
  } else {
    e.respondWith(SHARED.getWithMetadata('n').then(function (r) {
      return new Response(r.value + ' ' + (r.metadata && r.metadata.by)); }));
  }
});
"""


class TwoGatewaysShareRedisTest(unittest.TestCase):
    """Two nginx instances (two gateways, two worker processes each) bound to one
    redis-server: each sees the other's writes."""

    @classmethod
    def setUpClass(cls):
        if not shutil.which("redis-server"):
            raise unittest.SkipTest("redis-server not installed (scripts/test installs it)")
        cls.dir = tempfile.mkdtemp(prefix="edgefn-nginx-redis-")
        os.chmod(cls.dir, 0o755)
        cls.redis_port = free_port()
        cls.redis = subprocess.Popen(
            ["redis-server", "--port", str(cls.redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL)
        wait_port(cls.redis_port, cls.redis)
        with open(os.path.join(cls.dir, "shared.js"), "w") as f:
            f.write(SHARED)
        with open(os.path.join(cls.dir, "rules.json"), "w") as f:
            f.write('{"version": 1, "rules": [{"function": "shared", "match": []}]}')
        cls.gateways = []
        for who in ("a", "b"):
            d = os.path.join(cls.dir, who)
            os.mkdir(d)
            port = free_port()
            user = "user root;" if os.geteuid() == 0 else ""
            conf = os.path.join(d, "nginx.conf")
            with open(conf, "w") as f:
                f.write(f"""
load_module {MODULE};
{user}
daemon off;
worker_processes 2;
pid {d}/nginx.pid;
events {{ worker_connections 128; }}
http {{
  access_log off;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fcgi;
  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
  edgefn_function shared {cls.dir}/shared.js;
  edgefn_rules {cls.dir}/rules.json;
  edgefn_kv SHARED redis:127.0.0.1:{cls.redis_port} site;
  edgefn_env WHO {who};
  server {{ listen 127.0.0.1:{port}; location / {{ edgefn; }} }}
}}
""")
            p = subprocess.Popen(["nginx", "-p", d, "-c", conf, "-e", os.path.join(d, "error.log")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            wait_port(port, p)
            cls.gateways.append((p, port, d))

    @classmethod
    def tearDownClass(cls):
        logs = ""
        for p, _, d in cls.gateways:
            p.send_signal(signal.SIGQUIT)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            try:
                with open(os.path.join(d, "error.log")) as f:
                    logs += f.read()
            except OSError:
                pass
        cls.redis.terminate()
        cls.redis.wait()
        shutil.rmtree(cls.dir, ignore_errors=True)
        if "[alert]" in logs or "[emerg]" in logs or "signal 11" in logs:
            raise AssertionError("nginx logged: " + logs)

    def request(self, gw, method="GET"):
        c = http.client.HTTPConnection("127.0.0.1", self.gateways[gw][1], timeout=10)
        c.request(method, "/", body=b"" if method == "POST" else None,
                  headers={"Host": "site.test"})
        r = c.getresponse()
        body = r.read().decode()
        c.close()
        self.assertEqual(r.status, 200, body)
        return body

    def test_each_sees_the_others_writes(self):
        self.assertEqual(self.request(1), "null null")
        self.assertEqual(self.request(0, "POST"), "a 1")
        self.assertEqual(self.request(1), "1 a")
        # Alternating writers, each request landing on either worker of its gateway.
        for i in range(2, 22):
            who = "ab"[i % 2]
            self.assertEqual(self.request(i % 2, "POST"), f"{who} {i}")
        self.assertEqual(self.request(0), "21 b")
        self.assertEqual(self.request(1), "21 b")


def wait_port(port, proc):
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("process exited: " + (proc.stderr.read().decode()
                                                         if proc.stderr else ""))
            time.sleep(0.05)
    raise RuntimeError("port %d never opened" % port)


if __name__ == "__main__":
    MODULE = os.path.abspath(sys.argv.pop(1))
    # The test command adds up "N passed, N failed" lines (scripts/test).
    result = unittest.main(verbosity=2, exit=False).result
    failed = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (result.testsRun - failed, failed))
    sys.exit(1 if failed else 0)
