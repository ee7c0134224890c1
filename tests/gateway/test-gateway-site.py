#!/usr/bin/env python3
"""Integration test for edgefn-gateway with a JSON configuration: the pipeline (rules ->
function -> cache -> a real origin), --check, HTTP framing and limits, worker threads,
SIGHUP reload, SIGTERM drain, metrics, the access log, TLS (SNI, ALPN) and the demo site.

usage: test-gateway-site.py PATH-TO-edgefn-gateway
Prints "ok - name" / "not ok - name: reason" per check, then "N passed, N failed"; exits 1
when a check failed. Every socket has a timeout and the whole run is bounded by an alarm.
"""
import http.server
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('gwbase', os.path.join(HERE, 'test-gateway.py'))
gw = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gw)
check, Failure, Conn, free_port, wait_listening = (gw.check, gw.Failure, gw.Conn,
                                                    gw.free_port, gw.wait_listening)
HOST = gw.HOST
WHOLE_RUN_LIMIT_S = 300


def run(name, fn):
    gw.run(name, fn)


# ---- a real origin ----

class OriginState:
    def __init__(self):
        self.lock = threading.Lock()
        self.hits = {}
        self.hosts = []
        self.large_sent = 0  # bytes of the last /large/N body the kernel accepted


# Byte i of a /large body is i % 251 (no power-of-two period: a chunk lost, repeated or
# reordered shows). The block's length is a multiple of 251, so it repeats seamlessly.
PATTERN_BLOCK = bytes(i % 251 for i in range(251 * 261))


def pattern(n):
    return (PATTERN_BLOCK * (n // len(PATTERN_BLOCK) + 1))[:n]


STATE = OriginState()


class Origin(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def _send(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def do_GET(self):
        path = self.path.split('?')[0]
        with STATE.lock:
            STATE.hits[path] = STATE.hits.get(path, 0) + 1
            n = STATE.hits[path]
            STATE.hosts.append(self.headers.get('Host'))
        if path.startswith('/cached'):
            self._send(200, ('cached %s #%d' % (path, n)).encode(),
                       [('Cache-Control', 'max-age=60'), ('Content-Type', 'text/plain')])
        elif path == '/host':
            self._send(200, ('host=%s' % self.headers.get('Host')).encode(),
                       [('Cache-Control', 'no-store')])
        elif path == '/chunked':
            # No length up front: the gateway must frame it itself.
            self.send_response(200)
            self.send_header('Transfer-Encoding', 'chunked')
            self.send_header('Cache-Control', 'no-store')
            self.end_headers()
            for part in (b'first,', b'second,', b'third'):
                self.wfile.write(b'%x\r\n%s\r\n' % (len(part), part))
                self.wfile.flush()
            self.wfile.write(b'0\r\n\r\n')
        elif path.startswith('/large/'):
            # A big body through a small send buffer, counting what the kernel took, so a
            # test sees whether a slow client slowed the origin.
            n = int(path[7:])
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
            self.send_response(200)
            self.send_header('Content-Length', str(n))
            self.send_header('Cache-Control', 'no-store')
            self.end_headers()
            with STATE.lock:
                STATE.large_sent = 0
            sent = 0
            while sent < n:
                k = min(len(PATTERN_BLOCK), n - sent)
                self.wfile.write(PATTERN_BLOCK[:k])
                sent += k
                with STATE.lock:
                    STATE.large_sent = sent
        elif path == '/slow':
            time.sleep(1.0)
            self._send(200, b'slow origin', [('Cache-Control', 'no-store')])
        else:
            self._send(200, ('origin page %s' % path).encode(), [('Cache-Control', 'no-store')])

    do_HEAD = do_GET

    def log_message(self, *args):
        pass


def start_origin():
    srv = http.server.ThreadingHTTPServer((HOST, 0), Origin)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


# ---- functions ----

FN_V1 = """
addEventListener('fetch', function (event) {
  var url = new URL(event.request.url);
  if (url.pathname === '/fn/slow') {
    event.respondWith(new Promise(function (resolve) {
      setTimeout(function () { resolve(new Response('slow VERSION')); }, 1200);
    }));
    return;
  }
  if (url.pathname === '/fn/sub') {
    event.respondWith(fetch(url.origin + '/cached/sub').then(function (r) {
      return r.text().then(function (t) {
        return new Response('sub ' + r.status + ' ' + r.headers.get('x-edgefn-cache') + ' ' + t);
      });
    }));
    return;
  }
  if (url.pathname === '/fn/host') {
    event.respondWith(fetch(url.origin + '/host'));
    return;
  }
  if (url.pathname.indexOf('/fn/large/') === 0) {
    // The origin's body streamed through the function (its Response's ReadableStream).
    event.respondWith(fetch(url.origin + url.pathname.slice(3)));
    return;
  }
  if (url.pathname === '/fn/subfail') {
    event.respondWith(fetch('http://192.168.0.1:9/').then(function () {
      return new Response('reached');
    }, function (e) { return new Response('failed ' + e.name); }));
    return;
  }
  if (url.pathname === '/fn/pass') {
    event.passThroughOnException();
    throw new Error('declined on purpose');
  }
  event.respondWith(new Response('function VERSION ' + url.pathname, {
    headers: { 'content-type': 'text/plain' }
  }));
});
"""


class Gateway:
    """A gateway process with a configuration in a temporary folder."""

    def __init__(self, exe, tmp, cfg, extra=(), name='gw'):
        self.exe = exe
        self.tmp = tmp
        self.cfg_path = os.path.join(tmp, name + '.json')
        self.out_path = os.path.join(tmp, name + '.out')
        self.err_path = os.path.join(tmp, name + '.err')
        self.write_config(cfg)
        self.out = open(self.out_path, 'wb')
        self.err = open(self.err_path, 'wb')
        self.proc = subprocess.Popen([exe, '--config', self.cfg_path] + list(extra),
                                     stdin=subprocess.DEVNULL, stdout=self.out, stderr=self.err)
        self.port = cfg['listeners'][0]['address'].rsplit(':', 1)[1]
        self.port = int(self.port)

    def write_config(self, cfg):
        tmp = self.cfg_path + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(cfg, f) if isinstance(cfg, dict) else f.write(cfg)
        os.rename(tmp, self.cfg_path)

    def started(self):
        return wait_listening(self.proc, self.port)

    def stderr(self):
        with open(self.err_path, errors='replace') as f:
            return f.read()

    def stdout(self):
        with open(self.out_path, errors='replace') as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.out.close()
        self.err.close()


def request(port, path, method='GET', headers=None, body=None, host=None, timeout=5.0):
    c = Conn(port)
    c.sock.settimeout(timeout)
    try:
        hdrs = {'Host': host or '%s:%d' % (HOST, port)}
        hdrs.update(headers or {})
        if body is not None:
            hdrs['Content-Length'] = str(len(body))
        raw = '%s %s HTTP/1.1\r\n' % (method, path)
        raw += ''.join('%s: %s\r\n' % kv for kv in hdrs.items()) + 'Connection: close\r\n\r\n'
        c.send(raw.encode() + (body or b''))
        return c.read_response(head_request=(method == 'HEAD'))
    finally:
        c.close()


def metric(text, name, labels=''):
    m = re.search(r'^%s%s (\S+)$' % (re.escape(name), re.escape(labels)), text, re.M)
    return float(m.group(1)) if m else None


# ---- the checks ----

def check_checks(exe, tmp):
    """--check: a good configuration passes; a bad one lists every error with its place."""
    with open(os.path.join(tmp, 'ok.js'), 'w') as f:
        f.write(FN_V1)
    with open(os.path.join(tmp, 'broken.js'), 'w') as f:
        f.write("addEventListener('fetch', function (e) {\n  e.respondWith(;\n});\n")
    good = {'listeners': [{'address': '127.0.0.1:0'}],
            'functions': [{'name': 'a', 'script': 'ok.js', 'env': {'K': 'v'},
                           'limits': {'cpu_ms': 50, 'memory_mb': 32}}],
            'origins': [{'host': 'example.com', 'address': '127.0.0.1:9', 'host_header': 'x'}],
            'rules': [{'function': 'a', 'match': [[{'field': 'path', 'operator': 'prefix',
                                                    'values': ['/a/']}]]}]}
    bad = {'listeners': [{'address': '127.0.0.1:70000', 'tls': {'cert': 'nope.pem'}}],
           'functions': [{'name': 'a', 'script': 'broken.js'},
                         {'name': 'b', 'script': 'absent.js', 'limits': {'cpu_ms': 0}}],
           'origins': [{'host': 'example.com', 'address': 'no-port'}],
           'cache': {'memory_mb': -1},
           'rules': [{'function': 'a', 'match': [[{'field': 'path', 'operator': 'sorta',
                                                   'values': ['/']}]]}],
           'wokers': 2}
    for name, cfg in (('good', good), ('bad', bad)):
        with open(os.path.join(tmp, name + '.json'), 'w') as f:
            json.dump(cfg, f, indent=2)

    def t_good():
        p = subprocess.run([exe, '--check', os.path.join(tmp, 'good.json')],
                           capture_output=True, timeout=20)
        check(p.returncode == 0, 'exit %d: %r' % (p.returncode, p.stderr))
        check(b'configuration OK' in p.stdout, 'stdout %r' % p.stdout)
    run('--check accepts a good configuration', t_good)

    def t_bad():
        p = subprocess.run([exe, '--check', os.path.join(tmp, 'bad.json')],
                           capture_output=True, timeout=20)
        err = p.stderr.decode()
        check(p.returncode != 0, 'exit status 0')
        want = [r"bad\.json: \$: unknown key 'wokers'",
                r"bad\.json: listeners\[0\]: address '127\.0\.0\.1:70000' is not",
                r"bad\.json: listeners\[0\]\.tls: missing 'key'",
                r"bad\.json: listeners\[0\]\.tls: certificate '.*nope\.pem': No such file",
                r"bad\.json: functions\[1\]: script '.*absent\.js': No such file",
                r"bad\.json: functions\[1\]\.limits: 'cpu_ms' must be an integer",
                r"bad\.json: origins\[0\]: address 'no-port' is not",
                r"bad\.json: cache: 'memory_mb' must be an integer",
                r"broken\.js:2:\d+: SyntaxError",
                r"bad\.json: rules: rule 0: match\[0\]\[0\]\.operator: unknown operator 'sorta'",
                r"bad\.json: 10 error\(s\)"]
        for w in want:
            check(re.search(w, err), 'no %r in:\n%s' % (w, err))
    run('--check lists every error with file and JSON path (or line)', t_bad)

    def t_syntax():
        path = os.path.join(tmp, 'syntax.json')
        with open(path, 'w') as f:
            f.write('{\n  "listeners": [\n    {"address": "127.0.0.1:1"},\n  ]\n}\n')
        p = subprocess.run([exe, '--check', path], capture_output=True, timeout=20)
        check(p.returncode != 0, 'exit status 0')
        check(re.search(rb'syntax\.json:4:\d+: ', p.stderr), 'stderr %r' % p.stderr)
        p = subprocess.run([exe, '--config', path], capture_output=True, timeout=20)
        check(p.returncode == 1, 'starting with it: exit %d' % p.returncode)
    run('a JSON syntax error gives line and column, and refuses to start', t_syntax)

    def t_bad_pem():
        with open(os.path.join(tmp, 'garbage.pem'), 'w') as f:
            f.write('-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n')
        cfg = dict(good)
        cfg['listeners'] = [{'address': '127.0.0.1:0',
                             'tls': {'cert': 'garbage.pem', 'key': 'garbage.pem'}}]
        path = os.path.join(tmp, 'badpem.json')
        with open(path, 'w') as f:
            json.dump(cfg, f)
        p = subprocess.run([exe, '--check', path], capture_output=True, timeout=20)
        check(p.returncode != 0, 'exit status 0')
        check(re.search(rb'garbage\.pem: certificate: ', p.stderr), 'stderr %r' % p.stderr)
    run('--check parses TLS certificates, not only finds them', t_bad_pem)


def site_config(port, origin_port, tmp, metrics_port=None, **http):
    limits = {'header_timeout_ms': 600, 'body_timeout_ms': 600, 'idle_timeout_ms': 1500,
              'max_body_bytes': 4096}
    limits.update(http)
    return {
        'workers': 2,
        'listeners': [{'address': '%s:%d' % (HOST, port)}] +
                     ([{'address': '%s:%d' % (HOST, metrics_port), 'kind': 'metrics'}]
                      if metrics_port else []),
        'origins': [{'host': 'site.test', 'address': '%s:%d' % (HOST, origin_port)},
                    {'host': HOST, 'address': '%s:%d' % (HOST, origin_port),
                     'host_header': 'origin.internal'}],
        'cache': {'memory_mb': 8},
        'functions': [{'name': 'hello', 'script': 'fn.js', 'env': {'GREETING': 'hi'},
                       'limits': {'cpu_ms': 100}}],
        'rules': [{'function': 'hello', 'match': [[{'field': 'path', 'operator': 'prefix',
                                                    'values': ['/fn/']}]]}],
        'metrics': {'path': '/metrics'},
        'log': {'level': 'info', 'access_log': 'access.log'},
        'http': limits,
    }


def write_fn(tmp, version):
    with open(os.path.join(tmp, 'fn.js.tmp'), 'w') as f:
        f.write(FN_V1.replace('VERSION', version))
    os.rename(os.path.join(tmp, 'fn.js.tmp'), os.path.join(tmp, 'fn.js'))


def pipeline_checks(exe, tmp, origin):
    write_fn(tmp, 'v1')
    port = free_port()
    mport = free_port()
    g = Gateway(exe, tmp, site_config(port, origin.server_address[1], tmp, metrics_port=mport))
    try:
        if not g.started():
            run('gateway starts with a configuration', lambda: check(False, g.stderr()))
            return
        _pipeline(g, port, tmp, mport)
    finally:
        g.stop()


def _pipeline(g, port, tmp, mport):
    def t_function():
        r = request(port, '/fn/x', host='site.test')
        check(r.status == 200 and r.body == b'function v1 /fn/x', '%d %r' % (r.status, r.body))
    run('a rule picks the function', t_function)

    def t_origin():
        r = request(port, '/plain', host='site.test')
        check(r.status == 200 and r.body == b'origin page /plain', '%d %r' % (r.status, r.body))
        check(STATE.hosts[-1] == 'site.test', 'origin saw Host %r' % STATE.hosts[-1])
    run('no rule: the request goes to its host\'s origin', t_origin)

    def t_cache():
        r1 = request(port, '/cached/a', host='site.test')
        r2 = request(port, '/cached/a', host='site.test')
        check(r1.status == 200 and r1.body == b'cached /cached/a #1', 'first %r' % r1.body)
        check(r1.header('x-edgefn-cache') == 'MISS', 'first %r' % r1.header('x-edgefn-cache'))
        check(r2.body == b'cached /cached/a #1' and r2.header('x-edgefn-cache') == 'HIT',
              'second %r %r' % (r2.body, r2.header('x-edgefn-cache')))
        check(STATE.hits.get('/cached/a') == 1, 'origin hit %r times' % STATE.hits.get('/cached/a'))
    run('the cache answers the second request (HIT) without the origin', t_cache)

    def t_host_header():
        r = request(port, '/host')
        check(r.status == 200 and r.body == b'host=origin.internal', '%d %r' % (r.status, r.body))
    run('an origin\'s host_header replaces Host on the default path', t_host_header)

    def t_host_header_subrequest():
        # The gateway hands host_header to the edge, so a function's same-host fetch (through
        # the cache) asks the origin with it too.
        r = request(port, '/fn/host')
        check(r.status == 200 and r.body == b'host=origin.internal', '%d %r' % (r.status, r.body))
    run('an origin\'s host_header applies to a function\'s same-host fetch', t_host_header_subrequest)

    def t_subrequest():
        r = request(port, '/fn/sub', host='site.test')
        r2 = request(port, '/fn/sub', host='site.test')
        check(r.status == 200 and r.body.startswith(b'sub 200 '), '%d %r' % (r.status, r.body))
        check(r2.body == b'sub 200 HIT cached /cached/sub #1', 'second %r' % r2.body)
    run('a function\'s same-host fetch goes through the cache to the origin', t_subrequest)

    def t_pass():
        r = request(port, '/fn/pass', host='site.test')
        check(r.status == 200 and r.body == b'origin page /fn/pass', '%d %r' % (r.status, r.body))
    run('passThroughOnException falls through to the origin', t_pass)

    def t_no_origin():
        r = request(port, '/x', host='unknown.test')
        check(r.status == 502, 'status %d' % r.status)
    run('a host without an origin answers 502', t_no_origin)

    def t_head():
        r = request(port, '/plain', method='HEAD', host='site.test')
        check(r.status == 200 and r.header('content-length') == str(len(b'origin page /plain')),
              '%d %r' % (r.status, r.headers))
    run('HEAD through the origin keeps the length and sends no body', t_head)

    def t_both_lengths():
        for extra, want in (('Content-Length: 5\r\nTransfer-Encoding: chunked\r\n', 400),
                            ('Content-Length: 5\r\nContent-Length: 6\r\n', 400),
                            ('Content-Length: 5\r\nContent-Length: 5\r\n', 400),
                            ('Transfer-Encoding: gzip\r\n', 501),
                            ('Transfer-Encoding: gzip, chunked\r\n', 501)):
            c = Conn(port)
            try:
                c.send(('POST /fn/x HTTP/1.1\r\nHost: site.test\r\n%s\r\nhello' % extra).encode())
                r = c.read_response()
                check(r.status == want, '%r: status %d, want %d' % (extra, r.status, want))
                check(r.header('connection') == 'close', '%r: not closing' % extra)
                check(c.closed_by_peer(), '%r: connection left open' % extra)
            finally:
                c.close()
    run('conflicting Content-Length/Transfer-Encoding answers 400 (501 for codings)',
        t_both_lengths)

    def t_body_limit():
        r = request(port, '/fn/x', method='POST', body=b'x' * 5000, host='site.test')
        check(r.status == 413, 'status %d' % r.status)
        r = request(port, '/fn/x', method='POST', body=b'x' * 4000, host='site.test')
        check(r.status == 200, 'under the limit: status %d' % r.status)
    run('max_body_bytes from the configuration answers 413', t_body_limit)

    def t_chunked_response():
        # HTTP/1.1 chunked request body and a keep-alive connection through the origin.
        c = Conn(port)
        try:
            c.send(b'POST /fn/chunk HTTP/1.1\r\nHost: site.test\r\nTransfer-Encoding: chunked'
                   b'\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /plain HTTP/1.1\r\nHost: site.test\r\n\r\n')
            r1 = c.read_response()
            r2 = c.read_response()
            check(r1.status == 200 and r1.body == b'function v1 /fn/chunk', 'first %r' % r1.body)
            check(r2.status == 200 and r2.body == b'origin page /plain', 'second %r' % r2.body)
        finally:
            c.close()
    run('chunked request and pipelined request through function and origin', t_chunked_response)

    def t_chunked_out():
        c = Conn(port)
        try:
            c.send(b'GET /chunked HTTP/1.1\r\nHost: site.test\r\n\r\n')
            r = c.read_response()
            check(r.status == 200 and r.body == b'first,second,third', '%r' % r.body)
            if r.header('content-length') is None:
                check(r.header('transfer-encoding') == 'chunked', 'framing %r' % r.headers)
            c.send(b'GET /plain HTTP/1.1\r\nHost: site.test\r\n\r\n')
            check(c.read_response().body == b'origin page /plain', 'connection out of step')
        finally:
            c.close()
        # HTTP/1.0 has no chunked coding: the body ends with the connection.
        c = Conn(port)
        try:
            c.send(b'GET /chunked HTTP/1.0\r\nHost: site.test\r\n\r\n')
            head = c.read_until(b'\r\n\r\n').lower()
            check(b'transfer-encoding' not in head, 'chunked to HTTP/1.0: %r' % head)
            body = c.read_to_eof()
            check(body == b'first,second,third', 'HTTP/1.0 body %r' % body)
        finally:
            c.close()
    run('an origin body of unknown length is re-framed (chunked; close-delimited for 1.0)',
        t_chunked_out)

    def t_header_timeout():
        c = Conn(port)
        try:
            start = time.monotonic()
            c.send(b'GET /fn/x HTTP/1.1\r\nHost: site.test\r\n')
            r = c.read_response()
            took = time.monotonic() - start
            check(r.status == 408, 'status %d' % r.status)
            check(0.4 < took < 3.0, 'took %.2f s' % took)
            check(c.closed_by_peer(), 'connection left open')
        finally:
            c.close()
    run('headers that never end answer 408 after header_timeout_ms', t_header_timeout)

    def t_slowloris():
        # A byte every 100 ms keeps the connection busy but must not extend the deadline.
        c = Conn(port)
        try:
            start = time.monotonic()
            data = b'GET /fn/x HTTP/1.1\r\nHost: site.test\r\nX-Slow: ' + b'a' * 100
            got = None
            for b in data:
                try:
                    c.send(bytes([b]))
                except OSError:
                    break
                c.sock.settimeout(0.1)
                try:
                    chunk = c.sock.recv(65536)
                    if chunk:
                        c.buf += chunk
                        break
                except socket.timeout:
                    pass
                if time.monotonic() - start > 5:
                    break
            c.sock.settimeout(5)
            got = c.read_response()
            took = time.monotonic() - start
            check(got.status == 408, 'status %d' % got.status)
            check(took < 2.5, 'trickling kept it open %.2f s' % took)
        finally:
            c.close()
    run('slowloris: trickled headers still time out (408)', t_slowloris)

    def t_body_timeout():
        c = Conn(port)
        try:
            c.send(b'POST /fn/x HTTP/1.1\r\nHost: site.test\r\nContent-Length: 10\r\n\r\nab')
            r = c.read_response()
            check(r.status == 408, 'status %d' % r.status)
        finally:
            c.close()
    run('a stalled request body answers 408', t_body_timeout)

    def t_idle():
        c = Conn(port)
        try:
            start = time.monotonic()
            c.sock.settimeout(5)
            data = c.sock.recv(100)
            took = time.monotonic() - start
            check(data == b'', 'got %r' % data)
            check(1.0 < took < 4.0, 'closed after %.2f s' % took)
        finally:
            c.close()
    run('an idle connection is closed silently after idle_timeout_ms', t_idle)

    def t_metrics():
        r = request(port, '/metrics')
        text = r.body.decode()
        check(r.status == 200 and r.header('content-type', ).startswith('text/plain'),
              'status %d' % r.status)
        v = metric(text, 'edgefn_requests_total', '{function="hello",status="200"}')
        check(v is not None and v >= 3, 'hello 200: %r' % v)
        check((metric(text, 'edgefn_requests_total', '{function="",status="200"}') or 0) >= 3,
              'default path count')
        check((metric(text, 'edgefn_cache_hits_total') or 0) >= 1, 'cache hits')
        check((metric(text, 'edgefn_cache_misses_total') or 0) >= 1, 'cache misses')
        check(metric(text, 'edgefn_workers') == 2, 'workers %r' % metric(text, 'edgefn_workers'))
        check((metric(text, 'edgefn_runtimes_alive') or 0) >= 1, 'runtimes')
        check((metric(text, 'edgefn_runtime_heap_bytes') or 0) > 10000, 'runtime heap bytes')
        check((metric(text, 'edgefn_cold_starts_total') or 0) >= 1, 'cold starts')
        check(metric(text, 'edgefn_requests_shed_total') == 0, 'shed')
        check((metric(text, 'edgefn_gateway_rejected_total') or 0) >= 5, 'rejected')
        check((metric(text, 'edgefn_function_seconds_total',
                      '{function="hello",status="200"}') or 0) > 0, 'function seconds')
        cpu = metric(text, 'edgefn_function_cpu_seconds_total', '{function="hello"}')
        wall = metric(text, 'edgefn_function_seconds_total', '{function="hello",status="200"}')
        # CPU time counted, and (the function waits on nothing) not beyond its requests'
        # wall time plus its runtimes' start-up
        check(cpu is not None and 0 < cpu < (wall or 0) + 5, 'function cpu seconds %r' % cpu)
        check(re.search(r'^# TYPE edgefn_function_cpu_seconds_total counter$', text, re.M),
              'cpu TYPE line')
        check(re.search(r'^# TYPE edgefn_requests_total counter$', text, re.M), 'TYPE line')
    run('the metrics page counts requests, cache, workers and runtimes', t_metrics)

    def t_metrics_listener():
        r = request(mport, '/anything')
        check(r.status == 200 and b'edgefn_requests_total{function="hello"' in r.body,
              '%d %r' % (r.status, r.body[:200]))
        check(r.header('cache-control') == 'no-store', 'cache-control %r' % r.headers)
    run('a listener of kind metrics serves the metrics page on any path', t_metrics_listener)

    def t_access_log():
        with open(os.path.join(tmp, 'access.log')) as f:
            log = f.read()
        check(re.search(r'"GET /cached/a HTTP/1\.1" 200 \d+ "-" "-" fn=- cache=hit ttfb_us=\d+ '
                        r'total_us=\d+', log), 'no cache-hit line in %r' % log[-800:])
        check(re.search(r'"GET /fn/x HTTP/1\.1" 200 \d+ "-" "-" fn=hello cache=- ', log),
              'no function line')
        check(re.search(r'"GET /fn/x HTTP/1\.1" 408 ', log), 'no 408 line')
    run('access log file: combined format, function, cache status, timings', t_access_log)

    reload_checks(g, port, tmp)


def reload_checks(g, port, tmp):
    def t_reload():
        # A slow request on v1 is in flight while the reload happens.
        result = {}

        def slow():
            try:
                result['r'] = request(port, '/fn/slow', host='site.test', timeout=8)
            except Exception as e:  # reported below
                result['e'] = e
        th = threading.Thread(target=slow)
        th.start()
        time.sleep(0.3)
        write_fn(tmp, 'v2')
        with open(os.path.join(tmp, 'loop.js'), 'w') as f:
            f.write("addEventListener('fetch', function (e) { while (true) {} });\n")
        cfg = site_config(port, 0, tmp)
        cfg['origins'] = json.load(open(g.cfg_path))['origins']
        cfg['functions'].append({'name': 'looper', 'script': 'loop.js',
                                 'limits': {'cpu_ms': 50}})
        cfg['rules'].insert(0, {'function': 'looper',
                                'match': [[{'field': 'path', 'operator': 'equals',
                                            'values': ['/fn/loop']}]]})
        g.write_config(cfg)
        g.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 5
        body = b''
        while time.monotonic() < deadline:
            body = request(port, '/fn/y', host='site.test').body
            if body == b'function v2 /fn/y':
                break
            time.sleep(0.05)
        check(body == b'function v2 /fn/y', 'after reload: %r' % body)
        th.join(8)
        check('r' in result, 'slow request failed: %r' % result.get('e'))
        check(result['r'].status == 200 and result['r'].body == b'slow v1',
              'in-flight request: %d %r' % (result['r'].status, result['r'].body))
        # Every worker serves v2 (several connections land on both).
        for _ in range(8):
            b = request(port, '/fn/z', host='site.test').body
            check(b == b'function v2 /fn/z', 'a worker still on %r' % b)
        r = request(port, '/cached/a', host='site.test')
        check(r.header('x-edgefn-cache') == 'HIT', 'the cache was not kept across the reload')
    run('SIGHUP reloads scripts and configuration; in-flight requests finish on the old',
        t_reload)

    def t_breach():
        r = request(port, '/fn/loop', host='site.test')
        check(500 <= r.status <= 599, 'status %d' % r.status)
        text = request(port, '/metrics').body.decode()
        v = metric(text, 'edgefn_limit_breaches_total', '{limit="cpu"}')
        check(v is not None and v >= 1, 'cpu breaches %r' % v)
    run('a CPU limit breach is counted in the metrics', t_breach)

    def t_bad_reload():
        g.write_config('{"listeners": [ this is not json')
        g.proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        r = request(port, '/fn/q', host='site.test')
        check(r.status == 200 and r.body == b'function v2 /fn/q', 'after bad reload: %r' % r.body)
        check(g.proc.poll() is None, 'gateway exited')
        err = g.stderr()
        check('reload refused' in err and re.search(r'gw\.json:1:\d+:', err),
              'stderr %r' % err[-600:])
        # A configuration that parses but names a broken script is refused the same way.
        with open(os.path.join(tmp, 'bad.js'), 'w') as f:
            f.write('function (\n')
        cfg = site_config(port, 0, tmp)
        cfg['origins'] = [{'host': 'site.test', 'address': '127.0.0.1:9'}]
        cfg['functions'][0]['script'] = 'bad.js'
        g.write_config(cfg)
        g.proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        r = request(port, '/fn/q', host='site.test')
        check(r.body == b'function v2 /fn/q', 'after broken script: %r' % r.body)
        check(re.search(r'bad\.js:\d+:\d+: SyntaxError', g.stderr()), 'no script error logged')
    run('a bad configuration on SIGHUP is refused, logged, and the old one keeps serving',
        t_bad_reload)

    def t_drain():
        result = {}

        def slow():
            try:
                result['r'] = request(port, '/fn/slow', host='site.test', timeout=8)
            except Exception as e:
                result['e'] = e
        th = threading.Thread(target=slow)
        th.start()
        time.sleep(0.3)
        g.proc.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        refused = False
        try:
            s = socket.create_connection((HOST, port), timeout=1)
            s.close()
        except OSError:
            refused = True
        th.join(8)
        code = g.proc.wait(8)
        check(refused, 'still accepting after SIGTERM')
        check('r' in result and result['r'].status == 200 and result['r'].body == b'slow v2',
              'in-flight: %r' % (result.get('r') and result['r'].body or result.get('e')))
        check(code == 0, 'exit status %d' % code)
    run('SIGTERM stops accepting, finishes in-flight requests, exits 0', t_drain)


def max_conn_checks(exe, tmp, origin):
    write_fn(tmp, 'v1')
    port = free_port()
    cfg = site_config(port, origin.server_address[1], tmp, max_connections=2)
    cfg['workers'] = 1
    g = Gateway(exe, tmp, cfg, name='maxconn')
    try:
        if not g.started():
            run('gateway starts (max_connections)', lambda: check(False, g.stderr()))
            return
        time.sleep(0.2)  # the probe connection of started() must be gone

        def t_max():
            a, b = Conn(port), Conn(port)
            try:
                a.send(b'GET /fn/a HTTP/1.1\r\nHost: site.test\r\n\r\n')
                check(a.read_response().status == 200, 'first')
                b.send(b'GET /fn/b HTTP/1.1\r\nHost: site.test\r\n\r\n')
                check(b.read_response().status == 200, 'second')
                c = Conn(port)
                try:
                    check(c.closed_by_peer(), 'a third connection was served')
                finally:
                    c.close()
            finally:
                a.close()
                b.close()
            time.sleep(0.2)
            r = request(port, '/fn/c', host='site.test')
            check(r.status == 200, 'after closing: %d' % r.status)
        run('max_connections: connections beyond it are closed at once', t_max)
    finally:
        g.stop()


def tls_checks(exe, tmp, origin):
    openssl = shutil.which('openssl')
    curl = shutil.which('curl')
    if not openssl or not curl:
        run('TLS tests need openssl and curl', lambda: check(False, 'not installed'))
        return
    for name in ('a', 'b'):
        subprocess.run([openssl, 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
                        'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
                        '-subj', '/CN=%s.test' % name,
                        '-addext', 'subjectAltName=DNS:%s.test,DNS:*.%s.test' % (name, name),
                        '-keyout', os.path.join(tmp, name + '.key'),
                        '-out', os.path.join(tmp, name + '.pem')],
                       check=True, capture_output=True, timeout=30)
    write_fn(tmp, 'v1')
    port = free_port()
    cfg = site_config(port, origin.server_address[1], tmp)
    cfg['listeners'][0]['tls'] = [{'cert': 'a.pem', 'key': 'a.key'},
                                  {'cert': 'b.pem', 'key': 'b.key'}]
    cfg['origins'].append({'host': 'a.test', 'address': '%s:%d' % (HOST, origin.server_address[1])})
    g = Gateway(exe, tmp, cfg, name='tls')
    try:
        if not g.started():
            run('gateway starts with TLS', lambda: check(False, g.stderr()))
            return

        def t_curl():
            for name in ('a', 'b'):
                p = subprocess.run([curl, '-sS', '--cacert', os.path.join(tmp, name + '.pem'),
                                    '--resolve', '%s.test:%d:127.0.0.1' % (name, port),
                                    'https://%s.test:%d/fn/tls' % (name, port)],
                                   capture_output=True, timeout=20)
                check(p.returncode == 0 and p.stdout == b'function v1 /fn/tls',
                      '%s: exit %d %r %r' % (name, p.returncode, p.stdout, p.stderr))
        run('TLS: curl --cacert verifies each SNI name\'s certificate', t_curl)

        def t_sni_alpn():
            for name, wildcard in (('a', 'www.a.test'), ('b', 'x.b.test')):
                ctx = ssl.create_default_context(cafile=os.path.join(tmp, name + '.pem'))
                ctx.set_alpn_protocols(['h2', 'http/1.1'])
                with socket.create_connection((HOST, port), timeout=5) as s:
                    with ctx.wrap_socket(s, server_hostname=wildcard) as t:
                        check(t.selected_alpn_protocol() == 'http/1.1',
                              'ALPN %r' % t.selected_alpn_protocol())
                        t.sendall(b'GET /fn/s HTTP/1.1\r\nHost: a.test\r\nConnection: close'
                                  b'\r\n\r\n')
                        data = b''
                        while True:
                            d = t.recv(65536)
                            if not d:
                                break
                            data += d
                        check(data.startswith(b'HTTP/1.1 200') and
                              data.endswith(b'function v1 /fn/s'), 'got %r' % data[:200])
        run('TLS: SNI picks the certificate (wildcards too), ALPN selects http/1.1', t_sni_alpn)

        def t_origin_over_tls():
            p = subprocess.run([curl, '-sS', '--cacert', os.path.join(tmp, 'a.pem'),
                                '--resolve', 'a.test:%d:127.0.0.1' % port,
                                'https://a.test:%d/cached/tls' % port,
                                'https://a.test:%d/cached/tls' % port],
                               capture_output=True, timeout=20)
            check(p.returncode == 0 and p.stdout == b'cached /cached/tls #1' * 2,
                  'exit %d %r %r' % (p.returncode, p.stdout, p.stderr))
        run('TLS: keep-alive requests through the cache to the origin', t_origin_over_tls)

        def t_plain_on_tls():
            c = Conn(port)
            try:
                c.send(b'GET / HTTP/1.1\r\nHost: a.test\r\n\r\n')
                check(c.closed_by_peer(), 'plain HTTP on the TLS port was answered')
            finally:
                c.close()
        run('TLS: plain HTTP on a TLS listener is closed', t_plain_on_tls)
    finally:
        g.stop()


def script_reload_checks(exe, tmp):
    """--script mode reloads its file on SIGHUP, and keeps the old one if the new is broken."""
    path = os.path.join(tmp, 'single.js')
    with open(path, 'w') as f:
        f.write("addEventListener('fetch', function (e) { e.respondWith(new Response('one')); });")
    port = free_port()
    proc = subprocess.Popen([exe, '--script', path, '--listen', '%s:%d' % (HOST, port),
                             '--quiet', '--workers', '2'], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        def t():
            check(wait_listening(proc, port), 'did not start')
            check(request(port, '/').body == b'one', 'first answer')
            with open(path, 'w') as f:
                f.write("addEventListener('fetch', function (e) {"
                        " e.respondWith(new Response('two')); });")
            proc.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 5
            body = b''
            while body != b'two' and time.monotonic() < deadline:
                time.sleep(0.05)
                body = request(port, '/').body
            check(body == b'two', 'after SIGHUP: %r' % body)
            with open(path, 'w') as f:
                f.write('addEventListener(')
            proc.send_signal(signal.SIGHUP)
            time.sleep(0.5)
            check(request(port, '/').body == b'two', 'a broken script replaced a working one')
            proc.send_signal(signal.SIGTERM)
            check(proc.wait(8) == 0, 'exit status')
            check(b'reload refused' in proc.stderr.read(), 'refusal not logged')
        run('--script: SIGHUP reloads the file; a broken one is refused', t)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
        proc.stderr.close()


def demo_checks(exe, tmp):
    port = free_port()
    out = open(os.path.join(tmp, 'demo.out'), 'wb')
    err = open(os.path.join(tmp, 'demo.err'), 'wb')
    proc = subprocess.Popen([exe, '--demo', '--listen', '%s:%d' % (HOST, port)],
                            stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    try:
        if not wait_listening(proc, port):
            run('demo starts', lambda: check(False, open(err.name).read()))
            return

        def t_urls():
            # The port accepts connections from listen() on, a little before the list.
            deadline = time.monotonic() + 5
            text = ''
            while '/metrics' not in text and time.monotonic() < deadline:
                time.sleep(0.05)
                text = open(out.name).read()
            check('http://%s:%d/api/items' % (HOST, port) in text, 'stdout %r' % text[:400])
        run('demo prints the URLs to try', t_urls)

        def t_hello_api():
            r = request(port, '/')
            check(r.status == 200 and r.body == gw.HELLO, 'hello %r' % r.body)
            r = request(port, '/api/items?tag=fast')
            doc = json.loads(r.body)
            check(r.status == 200 and doc['count'] == 1 and doc['items'][0]['name'] == 'edge',
                  'api %r' % r.body)
            r = request(port, '/api/echo', method='POST', body=b'{"a":[1,2]}')
            check(json.loads(r.body) == {'received': {'a': [1, 2]}, 'bytes': 11},
                  'echo %r' % r.body)
        run('demo: hello and the JSON API', t_hello_api)

        def t_ab():
            r = request(port, '/ab')
            bucket = r.header('x-ab-bucket')
            check(r.status == 200 and bucket in ('a', 'b'), '%d %r' % (r.status, bucket))
            check(('ab-bucket=%s' % bucket) in (r.header('set-cookie') or ''), 'no cookie')
            check(('Variant %s' % bucket.upper()).encode() in r.body, 'body %r' % r.body)
            for _ in range(3):
                r2 = request(port, '/ab', headers={'Cookie': 'ab-bucket=%s' % bucket})
                check(r2.header('x-ab-bucket') == bucket and r2.header('set-cookie') is None,
                      'not sticky: %r' % r2.headers)
        run('demo: A/B test keeps the bucket in a cookie', t_ab)

        def t_geo():
            r = request(port, '/geo', headers={'X-Country': 'fr'})
            check(r.status == 302 and r.header('location').endswith('/fr/'),
                  '%d %r' % (r.status, r.header('location')))
            r = request(port, '/geo')
            check(r.status == 302 and r.header('location').endswith('/en/'), 'default')
        run('demo: redirect by country', t_geo)

        def t_signed():
            url = request(port, '/sign/index.html').body.decode().strip()
            path = url[url.index('/signed/'):]
            r = request(port, path)
            check(r.status == 200 and b'demo origin' in r.body, '%d %r' % (r.status, r.body))
            bad = path[:-1] + ('0' if path[-1] != '0' else '1')
            check(request(port, bad).status == 403, 'tampered signature accepted')
            check(request(port, '/signed/index.html?exp=1&sig=' + '0' * 64).status == 403,
                  'expired accepted')
        run('demo: HMAC-signed URLs (crypto.subtle)', t_signed)

        def t_merge_static():
            r = request(port, '/merge')
            check(r.status == 200 and r.header('x-merged-parts') == '3' and
                  b'header fragment' in r.body and r.body.index(b'header') <
                  r.body.index(b'body fragment') < r.body.index(b'footer'), 'merge %r' % r.body)
            r1 = request(port, '/style.css')
            r2 = request(port, '/style.css')
            check(r1.status == 200 and r2.header('x-edgefn-cache') == 'HIT',
                  'static %r' % r2.headers)
            check(request(port, '/nope').status == 404, 'missing page')
        run('demo: merged fragments and the static origin through the cache', t_merge_static)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(8)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        out.close()
        err.close()


def rss_kib(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


def dechunk(data):
    out, i = [], 0
    while True:
        j = data.index(b'\r\n', i)
        size = int(data[i:j].split(b';')[0], 16)
        if size == 0:
            return b''.join(out)
        out.append(data[j + 2:j + 2 + size])
        i = j + 2 + size + 2


LARGE = 24 << 20  # under the origin fetch body limit (EDGEFN_DEFAULT_FETCH_MAX_BODY)


def flow_checks(exe, tmp, origin):
    """Backpressure end to end: a client that stops reading a large origin body must not
    make the gateway buffer it (the gateway pauses the edge, which pauses the origin read),
    and the body must still arrive intact. Also the subrequest metric."""
    write_fn(tmp, 'v1')
    port = free_port()
    cfg = site_config(port, origin.server_address[1], tmp)
    # 24 MiB through the function's streams is charged to its request: room for a loaded
    # machine and a sanitizer build.
    cfg['functions'][0]['limits']['cpu_ms'] = 20000
    g = Gateway(exe, tmp, cfg, name='flow')
    try:
        if not g.started():
            run('gateway starts for the flow checks', lambda: check(False, g.stderr()))
            return
        _flow(g, port)
    finally:
        g.stop()


def sanitized(pid):
    """True when the process runs under AddressSanitizer, whose shadow memory and quarantine
    of freed blocks make RSS say nothing about what the program holds."""
    with open('/proc/%d/maps' % pid) as f:
        return 'libasan' in f.read()


def _flow(g, port):
    asan = sanitized(g.proc.pid)

    def slow_client(path, host):
        # Warm up the same path (runtime, connections) so RSS measures only the body.
        r = request(port, path.replace(str(LARGE), '100000'), host=host, timeout=10)
        check(r.status == 200 and r.body == pattern(100000), 'warm-up %d' % r.status)
        rss0 = rss_kib(g.proc.pid)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)  # a slow reader's window
        s.settimeout(20)
        s.connect((HOST, port))
        try:
            s.sendall(('GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n'
                       % (path, host)).encode())
            raw = b''
            while len(raw) < 1 << 20:
                data = s.recv(65536)
                check(data, 'closed after %d bytes' % len(raw))
                raw += data
            time.sleep(1.5)  # the client stops reading
            rss1 = rss_kib(g.proc.pid)
            with STATE.lock:
                sent = STATE.large_sent
            while True:
                data = s.recv(1 << 20)
                if not data:
                    break
                raw += data
        finally:
            s.close()
        head, _, body = raw.partition(b'\r\n\r\n')
        check(head.startswith(b'HTTP/1.1 200'), 'status line %r' % head[:40])
        if b'transfer-encoding: chunked' in head.lower():
            body = dechunk(body)
        grew = (rss1 - rss0) // 1024
        print('# %s: gateway RSS grew %d MiB while the client stalled; origin had sent '
              '%d of %d MiB' % (path, grew, sent >> 20, LARGE >> 20), flush=True)
        check(len(body) == LARGE, 'body %d bytes, want %d' % (len(body), LARGE))
        check(body == pattern(LARGE), 'body bytes differ from the origin\'s')
        # What the origin sent beyond that sits in kernel socket buffers (the gateway's
        # receive buffer may autotune to tens of MiB on loopback), so only the gateway's own
        # memory is checked; tests/edge/test-flow.c checks the origin with fixed buffers.
        check(asan or grew < 8,
              'gateway RSS grew %d MiB for a stalled %d MiB body' % (grew, LARGE >> 20))

    run('a slow client of a large origin body: gateway memory bounded, body intact',
        lambda: slow_client('/large/%d' % LARGE, 'site.test'))
    run('a slow client of a large body streamed through a function: bounded, intact',
        lambda: slow_client('/fn/large/%d' % LARGE, 'site.test'))

    def t_metric():
        r = request(port, '/fn/subfail', host='site.test')
        check(r.body == b'failed TypeError', 'subfail %r' % r.body)
        text = request(port, '/metrics').body.decode()
        ok = metric(text, 'edgefn_subrequests_total', '{function="hello",outcome="ok"}')
        bad = metric(text, 'edgefn_subrequests_total', '{function="hello",outcome="failed"}')
        gone = metric(text, 'edgefn_subrequests_total', '{function="hello",outcome="canceled"}')
        check(ok == 2, 'ok %r (want the warm-up and the large body)' % ok)
        check(bad == 1, 'failed %r' % bad)
        check(gone == 0, 'canceled %r' % gone)
    run('the metrics page counts subrequests by function and outcome', t_metric)


def main():
    if len(sys.argv) != 2:
        print('usage: test-gateway-site.py PATH-TO-edgefn-gateway', file=sys.stderr)
        return 2
    exe = os.path.abspath(sys.argv[1])
    signal.alarm(WHOLE_RUN_LIMIT_S)
    tmp = tempfile.mkdtemp(prefix='edgefn-gw-site-')
    origin = start_origin()
    try:
        check_checks(exe, tmp)
        pipeline_checks(exe, tmp, origin)
        flow_checks(exe, tmp, origin)
        max_conn_checks(exe, tmp, origin)
        tls_checks(exe, tmp, origin)
        script_reload_checks(exe, tmp)
        demo_checks(exe, tmp)
    finally:
        origin.shutdown()
        if gw.failed:
            for name in sorted(os.listdir(tmp)):
                if name.endswith('.err'):
                    sys.stderr.write('--- %s ---\n' % name)
                    sys.stderr.write(open(os.path.join(tmp, name), errors='replace').read()[-3000:])
        shutil.rmtree(tmp, ignore_errors=True)
    print('%d passed, %d failed' % (gw.passed, gw.failed))
    return 1 if gw.failed else 0


if __name__ == '__main__':
    sys.exit(main())
