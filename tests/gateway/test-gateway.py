#!/usr/bin/env python3
"""Integration test for edgefn-gateway: starts the binary on a free 127.0.0.1 port with the
built-in demo function and checks HTTP/1.1 behaviour over real sockets.

usage: test-gateway.py PATH-TO-edgefn-gateway [GATEWAY-OPTION...]
(the options go to every gateway the test starts, e.g. --no-io-uring for the plain
recv()/send() path)
Prints "ok - name" / "not ok - name: reason" per check, then "N passed, N failed"; exits 1
when a check failed. Every socket has a timeout and the whole run is bounded by an alarm.
"""
import http.client
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HOST = '127.0.0.1'
SOCK_TIMEOUT = 5.0
WHOLE_RUN_LIMIT_S = 100
HELLO = b'Hello from libedgefn!\n'

passed = 0
failed = 0
EXTRA = []  # options for every gateway started


class Failure(Exception):
    pass


def check(cond, reason):
    if not cond:
        raise Failure(reason)


def run(name, fn):
    global passed, failed
    try:
        fn()
    except Failure as e:
        failed += 1
        print('not ok - %s: %s' % (name, e), flush=True)
    except (OSError, ValueError, http.client.HTTPException) as e:
        failed += 1
        print('not ok - %s: %s: %s' % (name, type(e).__name__, e), flush=True)
    else:
        passed += 1
        print('ok - %s' % name, flush=True)


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # list of (lower-case name, value)
        self.body = body

    def header(self, name):
        for n, v in self.headers:
            if n == name:
                return v
        return None


class Conn:
    """A raw client connection with a small HTTP/1.1 response reader, so the test controls
    exactly which bytes go out and in what writes."""

    def __init__(self, port):
        self.sock = socket.create_connection((HOST, port), timeout=SOCK_TIMEOUT)
        self.buf = b''

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise Failure('connection closed by the gateway')
        self.buf += data

    def read_until(self, marker):
        while marker not in self.buf:
            if len(self.buf) > 1 << 20:
                raise Failure('no %r in 1 MiB of response' % marker)
            self._fill()
        i = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_response(self, head_request=False):
        head = self.read_until(b'\r\n\r\n').decode('latin-1')
        lines = head.split('\r\n')
        parts = lines[0].split(' ', 2)
        check(len(parts) >= 2 and parts[0] == 'HTTP/1.1', 'bad status line %r' % lines[0])
        status = int(parts[1])
        headers = []
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(':')
                headers.append((name.strip().lower(), value.strip()))
        resp = Response(status, parts[2] if len(parts) > 2 else '', headers, b'')
        if head_request or status in (204, 304) or 100 <= status < 200:
            return resp
        te = resp.header('transfer-encoding')
        cl = resp.header('content-length')
        if te is not None:
            check(te.lower() == 'chunked', 'unexpected transfer-encoding %r' % te)
            body = b''
            while True:
                size = int(self.read_until(b'\r\n').split(b';')[0], 16)
                if size == 0:
                    self.read_until(b'\r\n')
                    break
                body += self.read_exact(size)
                check(self.read_exact(2) == b'\r\n', 'bad chunk ending')
            resp.body = body
        elif cl is not None:
            resp.body = self.read_exact(int(cl))
        else:
            resp.body = self.read_to_eof()
        return resp

    def read_to_eof(self):
        while True:
            data = self.sock.recv(65536)
            if not data:
                break
            self.buf += data
        out, self.buf = self.buf, b''
        return out

    def closed_by_peer(self):
        """True when the gateway closed the connection (EOF or reset) with nothing more."""
        try:
            data = self.sock.recv(65536)
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False
        return data == b''

    def close(self):
        self.sock.close()


def get(port, path, method='GET', headers=None):
    conn = http.client.HTTPConnection(HOST, port, timeout=SOCK_TIMEOUT)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), resp.read()
    finally:
        conn.close()


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_listening(proc, port, limit_s=10.0):
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def main():
    global EXTRA
    if len(sys.argv) < 2:
        print('usage: test-gateway.py PATH-TO-edgefn-gateway [GATEWAY-OPTION...]',
              file=sys.stderr)
        return 2
    exe = sys.argv[1]
    EXTRA = sys.argv[2:]
    signal.alarm(WHOLE_RUN_LIMIT_S)  # a hung gateway must not hang the test run

    port = free_port()
    logdir = tempfile.mkdtemp(prefix='edgefn-gw-test-')
    out_path = os.path.join(logdir, 'stdout')
    err_path = os.path.join(logdir, 'stderr')
    with open(out_path, 'wb') as out, open(err_path, 'wb') as err:
        proc = subprocess.Popen([exe, '--listen', '%s:%d' % (HOST, port), '--demo'] + EXTRA,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    try:
        if not wait_listening(proc, port):
            print('not ok - gateway starts and listens')
            print(open(err_path, errors='replace').read(), file=sys.stderr)
            print('0 passed, 1 failed')
            return 1
        run_checks(proc, port, out_path)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
    if failed:
        sys.stderr.write('--- gateway stderr ---\n')
        sys.stderr.write(open(err_path, errors='replace').read()[-4000:] + '\n')
    for p in (out_path, err_path):
        os.unlink(p)
    os.rmdir(logdir)
    fetch_checks(exe)
    fixed_length_checks(exe)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


PROXY_JS = b"""
addEventListener('fetch', function (event) {
  var u = event.request.url;
  var target = ORIGIN + u.substring(u.indexOf('/', 8));
  event.respondWith(fetch(target).then(function (r) {
    return r.text().then(function (t) { return new Response('proxied ' + r.status + ' ' + t); });
  }, function (err) { return new Response(err.message, { status: 502 }); }));
});
"""


def fetch_checks(exe):
    """A function's fetch() leaves through the gateway's curl backend: loopback is refused
    unless --fetch-allow-loopback says otherwise."""
    class Origin(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = ('origin saw ' + self.path).encode()
            self.send_response(200)
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    origin = http.server.HTTPServer((HOST, 0), Origin)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    tmp = tempfile.mkdtemp(prefix='edgefn-gw-fetch-')
    script = os.path.join(tmp, 'proxy.js')
    with open(script, 'wb') as f:
        f.write(b"var ORIGIN = 'http://%s:%d';" % (HOST.encode(), origin.server_address[1]))
        f.write(PROXY_JS)

    def with_gateway(extra, fn):
        port = free_port()
        proc = subprocess.Popen([exe, '--listen', '%s:%d' % (HOST, port), '--script', script,
                                 '--quiet'] + extra + EXTRA, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            check(wait_listening(proc, port), 'gateway did not start')
            fn(port)
        finally:
            proc.kill()
            proc.wait(5)

    def t_refused():
        def fn(port):
            status, _, body = get(port, '/x')
            check(status == 502 and b'fetch failed' in body, 'got %d %r' % (status, body))
        with_gateway([], fn)
    run('fetch() to loopback is refused by default', t_refused)

    def t_allowed():
        def fn(port):
            status, _, body = get(port, '/x?y=1')
            check(status == 200 and body == b'proxied 200 origin saw /x?y=1',
                  'got %d %r' % (status, body))
        with_gateway(['--fetch-allow-loopback'], fn)
    run('fetch() reaches an allowed origin through the gateway', t_allowed)
    origin.shutdown()
    os.unlink(script)
    os.rmdir(tmp)


FIXED_JS = b"""
addEventListener('fetch', function (event) {
  var short = event.request.url.indexOf('/short') >= 0;
  var f = new FixedLengthStream(5), w = f.writable.getWriter();
  w.write(new TextEncoder().encode('abc'));
  setTimeout(function () {
    if (!short) w.write(new TextEncoder().encode('de'));
    w.close().catch(function () {});
  }, 10);
  event.respondWith(new Response(f.readable));
});
"""


def fixed_length_checks(exe):
    """A Response over a FixedLengthStream goes out with Content-Length, not chunked; a
    stream that ends short makes the gateway close the connection after what it sent."""
    tmp = tempfile.mkdtemp(prefix='edgefn-gw-fixed-')
    script = os.path.join(tmp, 'fixed.js')
    with open(script, 'wb') as f:
        f.write(FIXED_JS)
    port = free_port()
    proc = subprocess.Popen([exe, '--listen', '%s:%d' % (HOST, port), '--script', script,
                             '--quiet'] + EXTRA, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    host_hdr = 'Host: %s:%d\r\n' % (HOST, port)
    try:
        check(wait_listening(proc, port), 'gateway did not start')

        def t_length():
            c = Conn(port)
            try:
                for _ in range(2):  # the framing holds: the connection serves a second one
                    c.send(('GET /fixed HTTP/1.1\r\n%s\r\n' % host_hdr).encode())
                    r = c.read_response()
                    check(r.status == 200, 'status %d' % r.status)
                    check(r.header('content-length') == '5',
                          'content-length %r' % r.header('content-length'))
                    check(r.header('transfer-encoding') is None, 'chunked')
                    check(r.body == b'abcde', 'body %r' % r.body)
            finally:
                c.close()
        run('a FixedLengthStream body is sent with its Content-Length', t_length)

        def t_short():
            c = Conn(port)
            try:
                c.send(('GET /short HTTP/1.1\r\n%s\r\n' % host_hdr).encode())
                head = c.read_until(b'\r\n\r\n').decode('latin-1')
                check('Content-Length: 5' in head, 'head %r' % head)
                body = c.read_to_eof()
                check(body == b'abc', 'body %r before the close' % body)
            finally:
                c.close()
        run('a FixedLengthStream that ends short closes the connection', t_short)
    finally:
        proc.kill()
        proc.wait(5)
        os.unlink(script)
        os.rmdir(tmp)


def run_checks(proc, port, out_path):
    host_hdr = 'Host: %s:%d\r\n' % (HOST, port)

    def req(path, method='GET', extra=''):
        return ('%s %s HTTP/1.1\r\n%s%s\r\n' % (method, path, host_hdr, extra)).encode()

    def t_get_root():
        status, headers, body = get(port, '/')
        check(status == 200, 'status %d' % status)
        check(body == HELLO, 'body %r' % body)
        check(headers.get('content-type', '').startswith('text/plain'),
              'content-type %r' % headers.get('content-type'))
        check(headers.get('server') == 'edgefn-gateway', 'server %r' % headers.get('server'))
        check('date' in headers, 'no Date header')
    run('GET / answers 200 with the greeting', t_get_root)

    def t_echo():
        status, _, body = get(port, '/echo?x=1', headers={'User-Agent': 'gw-test/1'})
        check(status == 200, 'status %d' % status)
        doc = json.loads(body.decode())
        check(doc.get('method') == 'GET', 'method %r' % doc.get('method'))
        want = 'http://%s:%d/echo?x=1' % (HOST, port)
        check(doc.get('url') == want, 'url %r, want %r' % (doc.get('url'), want))
        check(doc.get('userAgent') == 'gw-test/1', 'userAgent %r' % doc.get('userAgent'))
    run('/echo returns method, url and user-agent as JSON', t_echo)

    def t_404():
        status, _, body = get(port, '/no/such/page')
        check(status == 404, 'status %d' % status)
    run('unknown path answers 404', t_404)

    def t_keepalive():
        c = Conn(port)
        try:
            c.send(req('/'))
            r1 = c.read_response()
            check(r1.status == 200 and r1.body == HELLO, 'first %d %r' % (r1.status, r1.body))
            check(r1.header('connection') != 'close', 'first response closes')
            c.send(req('/echo'))
            r2 = c.read_response()
            check(r2.status == 200 and b'/echo' in r2.body,
                  'second %d %r' % (r2.status, r2.body))
        finally:
            c.close()
    run('keep-alive: two requests on one connection', t_keepalive)

    def t_pipelining():
        c = Conn(port)
        try:
            c.send(req('/') + req('/echo', extra='User-Agent: pipe\r\n') + req('/missing'))
            r1 = c.read_response()
            r2 = c.read_response()
            r3 = c.read_response()
            check(r1.status == 200 and r1.body == HELLO, 'first %d %r' % (r1.status, r1.body))
            check(r2.status == 200 and b'"pipe"' in r2.body, 'second %d %r' % (r2.status,
                                                                                r2.body))
            check(r3.status == 404, 'third %d' % r3.status)
        finally:
            c.close()
    run('pipelining: requests in one write answered in order', t_pipelining)

    def t_many_pipelined():
        # Many connections readable in one wakeup, each with several requests in one write:
        # the gateway's batched receives and deferred sends (io_uring) must keep every
        # connection's answers whole and in order.
        conns = [Conn(port) for _ in range(40)]
        try:
            for i, c in enumerate(conns):
                c.send(req('/echo', extra='User-Agent: c%d-a\r\n' % i) + req('/') +
                       req('/echo', extra='User-Agent: c%d-b\r\n' % i) + req('/missing'))
            for i, c in enumerate(conns):
                r1, r2, r3, r4 = [c.read_response() for _ in range(4)]
                check(r1.status == 200 and b'"c%d-a"' % i in r1.body, 'conn %d first %r' % (
                    i, r1.body))
                check(r2.status == 200 and r2.body == HELLO, 'conn %d second %r' % (i, r2.body))
                check(r3.status == 200 and b'"c%d-b"' % i in r3.body, 'conn %d third %r' % (
                    i, r3.body))
                check(r4.status == 404, 'conn %d fourth %d' % (i, r4.status))
            # and each connection is still good for another request
            for c in conns:
                c.send(req('/'))
            for i, c in enumerate(conns):
                r = c.read_response()
                check(r.status == 200 and r.body == HELLO, 'conn %d after %r' % (i, r.body))
        finally:
            for c in conns:
                c.close()
    run('40 connections with 4 pipelined requests each, all at once: answered in order',
        t_many_pipelined)

    def t_head():
        c = Conn(port)
        try:
            c.send(req('/', method='HEAD'))
            r = c.read_response(head_request=True)
            check(r.status == 200, 'status %d' % r.status)
            check(r.header('content-length') == str(len(HELLO)),
                  'content-length %r' % r.header('content-length'))
            # No body bytes: the next bytes on the connection are the next response.
            c.send(req('/'))
            r2 = c.read_response()
            check(r2.status == 200 and r2.body == HELLO, 'after HEAD: %d %r' % (r2.status,
                                                                                 r2.body))
        finally:
            c.close()
    run('HEAD has headers and no body', t_head)

    def t_chunked_body():
        c = Conn(port)
        try:
            body = b'5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'
            c.send(req('/echo', method='POST', extra='Transfer-Encoding: chunked\r\n') + body)
            r = c.read_response()
            check(r.status == 200, 'status %d' % r.status)
            check(json.loads(r.body.decode()).get('method') == 'POST', 'body %r' % r.body)
            # The chunked body was consumed exactly: the connection stays in sync.
            c.send(req('/'))
            r2 = c.read_response()
            check(r2.status == 200 and r2.body == HELLO, 'next %d %r' % (r2.status, r2.body))
        finally:
            c.close()
    run('chunked request body', t_chunked_body)

    def t_content_length_body():
        status, _, body = get(port, '/echo', method='PUT')
        check(status == 200, 'status %d' % status)
        conn = http.client.HTTPConnection(HOST, port, timeout=SOCK_TIMEOUT)
        try:
            conn.request('POST', '/echo', body=b'x' * 100000)
            resp = conn.getresponse()
            data = resp.read()
            check(resp.status == 200, 'status %d' % resp.status)
            check(json.loads(data.decode()).get('method') == 'POST', 'body %r' % data)
        finally:
            conn.close()
    run('Content-Length request body of 100 kB', t_content_length_body)

    def t_expect():
        c = Conn(port)
        try:
            c.send(req('/echo', method='POST',
                       extra='Content-Length: 5\r\nExpect: 100-continue\r\n'))
            interim = c.read_until(b'\r\n\r\n')
            check(interim.startswith(b'HTTP/1.1 100'), 'interim %r' % interim)
            c.send(b'hello')
            r = c.read_response()
            check(r.status == 200, 'status %d' % r.status)
        finally:
            c.close()
    run('Expect: 100-continue answered with 100 Continue', t_expect)

    def t_malformed():
        for bad in (b'THIS IS NOT HTTP\r\n\r\n',
                    ('GET / HTTP/1.1\r\n%sBad Header Line\r\n\r\n' % host_hdr).encode(),
                    b'GET / HTTP/1.1\r\nHost: a/b\r\n\r\n',
                    b'GET / HTTP/1.1\r\n\r\n'):
            c = Conn(port)
            try:
                c.send(bad)
                r = c.read_response()
                check(r.status == 400, '%r: status %d' % (bad, r.status))
                check(r.header('connection') == 'close', '%r: no Connection: close' % bad)
                check(c.closed_by_peer(), '%r: connection left open' % bad)
            finally:
                c.close()
    run('malformed request answers 400 and closes', t_malformed)

    def t_big_headers():
        c = Conn(port)
        try:
            c.send(req('/', extra='X-Big: %s\r\n' % ('a' * 20000)))
            r = c.read_response()
            check(r.status == 431, 'status %d' % r.status)
        finally:
            c.close()
        c = Conn(port)
        try:
            many = ''.join('X-H%d: v\r\n' % i for i in range(200))
            c.send(req('/', extra=many))
            r = c.read_response()
            check(r.status == 431, 'many headers: status %d' % r.status)
        finally:
            c.close()
    run('oversized header block answers 431', t_big_headers)

    def t_long_uri():
        c = Conn(port)
        try:
            c.send(req('/' + 'u' * 10000))
            r = c.read_response()
            check(r.status == 414, 'status %d' % r.status)
        finally:
            c.close()
    run('long URI answers 414', t_long_uri)

    def t_big_body():
        c = Conn(port)
        try:
            c.send(req('/echo', method='POST', extra='Content-Length: 100000000\r\n'))
            r = c.read_response()
            check(r.status == 413, 'declared length: status %d' % r.status)
        finally:
            c.close()
        c = Conn(port)
        try:
            # A chunked body gives no length up front: the limit trips while it arrives.
            c.send(req('/echo', method='POST', extra='Transfer-Encoding: chunked\r\n'))
            chunk = b'%x\r\n%s\r\n' % (1 << 20, b'z' * (1 << 20))
            status = None
            for _ in range(12):
                try:
                    c.send(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    break
            r = c.read_response()
            status = r.status
            check(status == 413, 'chunked: status %s' % status)
        finally:
            c.close()
    run('oversized body answers 413', t_big_body)

    def t_http10():
        c = Conn(port)
        try:
            c.send(b'GET / HTTP/1.0\r\n\r\n')
            r = c.read_response()
            check(r.status == 200 and r.body == HELLO, '%d %r' % (r.status, r.body))
            check(c.closed_by_peer(), 'HTTP/1.0 connection left open')
        finally:
            c.close()
    run('HTTP/1.0 request without Host is served and closed', t_http10)

    def t_cpu_limit():
        start = time.monotonic()
        status, _, _ = get(port, '/loop')
        elapsed = time.monotonic() - start
        check(500 <= status <= 599, 'status %d' % status)
        check(elapsed < 1.5, 'took %.2f s' % elapsed)
        status, _, body = get(port, '/')
        check(status == 200 and body == HELLO, 'afterwards: %d %r' % (status, body))
    run('/loop hits the CPU budget with a 5xx, and the runtime keeps serving', t_cpu_limit)

    def t_client_gone():
        # A client that leaves mid-request must not disturb anyone else.
        c = Conn(port)
        c.send(b'GET / HTTP/1.1\r\nHost: x\r\nX-Partial')
        c.close()
        c = Conn(port)
        c.send(req('/loop'))
        c.close()
        status, _, body = get(port, '/')
        check(status == 200 and body == HELLO, 'afterwards: %d %r' % (status, body))
    run('clients that disconnect mid-request are handled', t_client_gone)

    def t_access_log():
        with open(out_path, 'rb') as f:
            log = f.read().decode(errors='replace')
        lines = [l for l in log.splitlines() if '"GET /echo?x=1 HTTP/1.1"' in l]
        check(lines, 'no access log line for /echo in %r' % log[-500:])
        # Combined format, then the function, the cache status and the timings.
        m = re.match(r'^127\.0\.0\.1 - - \[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] '
                     r'"GET /echo\?x=1 HTTP/1\.1" 200 (\d+) "-" "gw-test/1" fn=hello cache=- '
                     r'ttfb_us=(\d+) total_us=(\d+)$', lines[0])
        check(m, 'access log line %r' % lines[0])
        check(int(m.group(1)) > 0 and int(m.group(3)) >= int(m.group(2)),
              'sizes/timings in %r' % lines[0])
    run('access log on stdout: combined format with function, cache and timings', t_access_log)

    def t_sigterm():
        # An idle keep-alive connection must not hold shutdown up.
        idle = Conn(port)
        idle.send(req('/'))
        idle.read_response()
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(8)
        except subprocess.TimeoutExpired:
            raise Failure('still running 8 s after SIGTERM')
        finally:
            idle.close()
        check(code == 0, 'exit status %d' % code)
    run('SIGTERM exits 0', t_sigterm)


if __name__ == '__main__':
    sys.exit(main())
