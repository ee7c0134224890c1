#!/usr/bin/env python3
"""Integration test for the nginx module (bindings/nginx): runs Debian's nginx with
ngx_http_edgefn_module loaded, on a free 127.0.0.1 port, two worker processes, functions and
rules from files and a local origin, and checks what clients see over real sockets.

usage: test-nginx.py PATH-TO-ngx_http_edgefn_module.so
Prints "ok - name" / "not ok - name: reason" per check, then "N passed, N failed"; exits 1
when a check failed. Every socket has a timeout and the whole run is bounded by an alarm;
nginx and the origin are stopped on every path out.
"""
import concurrent.futures
import http.client
import json
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HOST = '127.0.0.1'
SOCK_TIMEOUT = 10.0
WHOLE_RUN_LIMIT_S = 120
NGINX = shutil.which('nginx') or '/usr/sbin/nginx'

passed = 0
failed = 0


class Failure(Exception):
    pass


def check(cond, reason):
    if not cond:
        raise Failure(reason)


def run(name, fn):
    global passed, failed
    try:
        fn()
        print('ok - ' + name)
        passed += 1
    except Exception as e:  # noqa: BLE001 - every failure is reported, never hidden
        print('not ok - %s: %s' % (name, e))
        failed += 1


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Origin(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):
        Origin.hits += 1
        body = ('origin %s' % self.path).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Cache-Control', 'max-age=60')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


FUNCTIONS = {
    'hello': """
addEventListener('fetch', function (ev) {
  ev.respondWith(new Response('Hello from libedgefn in nginx!\\n',
    { headers: { 'content-type': 'text/plain; charset=utf-8', 'x-fn': 'hello' } }));
});""",
    'api': """
addEventListener('fetch', function (ev) {
  var r = ev.request;
  ev.respondWith(r.text().then(function (body) {
    return new Response(JSON.stringify({ method: r.method, url: r.url, length: body.length,
      head: body.slice(0, 16), ip: r.headers.get('x-real-ip') || '',
      ua: r.headers.get('user-agent') }), { headers: { 'content-type': 'application/json' } });
  }));
});""",
    'sub': """
addEventListener('fetch', function (ev) {
  ev.respondWith(fetch('http://site.test/data').then(function (r) {
    return r.text().then(function (t) {
      return new Response('sub: ' + t + ' ' + r.headers.get('x-edgefn-cache'));
    });
  }));
});""",
    'timer': """
addEventListener('fetch', function (ev) {
  var t0 = Date.now(), ms = +(new URL(ev.request.url).searchParams.get('ms') || 50);
  ev.respondWith(new Promise(function (resolve) {
    setTimeout(function () { resolve(new Response('waited ' + (Date.now() - t0 >= ms - 5))); },
      ms);
  }));
});""",
    'cpu': """
addEventListener('fetch', function (ev) { for (;;) {} });""",
    'kvfn': """
addEventListener('fetch', function (ev) {
  var r = ev.request, k = new URL(r.url).searchParams.get('k');
  if (r.method === 'PUT')
    return ev.respondWith(r.text().then(function (t) { return MYKV.put(k, t); })
      .then(function () { return new Response('stored'); }));
  ev.respondWith(MYKV.get(k).then(function (v) {
    return new Response(GREETING + ' ' + v);
  }));
});""",
    'thrower': """
addEventListener('fetch', function (ev) { ev.respondWith(Promise.reject(new Error('boom'))); });""",
}

RULES = """{"rules": [
  %s
]}""" % ',\n  '.join(
    '{"function": "%s", "match": [[{"field": "path", "operator": "prefix", "values": ["/%s"]}]]}'
    % (name, name) for name in FUNCTIONS)


def write_conf(prefix, module, port, origin_port, functions_dir, extra_function=''):
    lines = ['edgefn_function %s %s/%s.js%s;' % (n, functions_dir, n,
                                                ' cpu_ms=50' if n == 'cpu' else '')
             for n in FUNCTIONS]
    conf = """
load_module %(module)s;
worker_processes 2;
daemon off;
master_process on;
error_log %(prefix)s/error.log info;
pid %(prefix)s/nginx.pid;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path %(prefix)s/body;
  proxy_temp_path %(prefix)s/proxy;
  fastcgi_temp_path %(prefix)s/fastcgi;
  uwsgi_temp_path %(prefix)s/uwsgi;
  scgi_temp_path %(prefix)s/scgi;
  client_max_body_size 4m;
  %(functions)s
  %(extra)s
  edgefn_rules %(functions_dir)s/rules.json;
  edgefn_kv MYKV sqlite:%(prefix)s/kv/store.db;
  edgefn_env GREETING hello;
  edgefn_origin site.test %(host)s:%(origin_port)d;
  edgefn_cache 8m;
  server {
    listen %(host)s:%(port)d;
    location / { edgefn_pass; }
    location /static/ { return 200 "nginx itself\\n"; }
  }
}
""" % dict(module=module, prefix=prefix, functions='\n  '.join(lines), extra=extra_function,
           functions_dir=functions_dir, host=HOST, port=port, origin_port=origin_port)
    path = os.path.join(prefix, 'nginx.conf')
    with open(path, 'w') as f:
        f.write(conf)
    return path


def request(port, method, path, body=None, headers=None, host='site.test'):
    c = http.client.HTTPConnection(HOST, port, timeout=SOCK_TIMEOUT)
    try:
        h = {'Host': host}
        h.update(headers or {})
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def log_tail(prefix):
    try:
        with open(os.path.join(prefix, 'error.log')) as f:
            lines = [ln for ln in f.read().splitlines()
                     if '[error]' in ln or '[crit]' in ln or '[alert]' in ln]
        return ' | '.join(lines[-3:])
    except OSError as e:
        return str(e)


def wait_listening(port, proc, deadline):
    while time.time() < deadline:
        if proc.poll() is not None:
            raise Failure('nginx exited with %s' % proc.returncode)
        try:
            socket.create_connection((HOST, port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise Failure('nginx did not start listening')


SHARED_JS = """
addEventListener('fetch', function (ev) {
  if (ev.request.method === 'POST')
    return ev.respondWith(SHARED.get('n').then(function (v) {
      var n = (Number(v) || 0) + 1;
      return SHARED.put('n', String(n)).then(function () { return SHARED.put('who', WHO); })
        .then(function () { return new Response(WHO + ' ' + n); });
    }));
  ev.respondWith(Promise.all([SHARED.get('n'), SHARED.get('who')]).then(function (r) {
    return new Response(r[0] + ' ' + r[1]);
  }));
});"""

SHARED_CONF = """
load_module %(module)s;
worker_processes 2;
daemon off;
error_log %(d)s/error.log info;
pid %(d)s/nginx.pid;
events { worker_connections 128; }
http {
  access_log off;
  client_body_temp_path %(d)s/body; proxy_temp_path %(d)s/proxy;
  fastcgi_temp_path %(d)s/fcgi; uwsgi_temp_path %(d)s/uwsgi; scgi_temp_path %(d)s/scgi;
  edgefn_function shared %(p)s/shared.js;
  edgefn_rules %(p)s/shared-rules.json;
  edgefn_kv SHARED redis:%(host)s:%(rport)d site;
  edgefn_env WHO %(who)s;
  server { listen %(host)s:%(port)d; location / { edgefn_pass; } }
}
"""


def two_nginx_share_redis(module, prefix):
    """Two nginx instances (two gateways, two workers each) bound to one redis-server on
    loopback see each other's KV writes."""
    redis = shutil.which('redis-server')
    check(redis, 'redis-server is missing (scripts/test installs it)')
    rport = free_port()
    rproc = subprocess.Popen([redis, '--port', str(rport), '--bind', HOST, '--save', '',
                              '--appendonly', 'no'], stdout=subprocess.DEVNULL)
    procs = []
    try:
        wait_listening(rport, rproc, time.time() + 10)
        with open(os.path.join(prefix, 'shared.js'), 'w') as f:
            f.write(SHARED_JS)
        with open(os.path.join(prefix, 'shared-rules.json'), 'w') as f:
            f.write('{"rules": [{"function": "shared", "match": [[{"field": "path", '
                    '"operator": "prefix", "values": ["/"]}]]}]}')
        ports = []
        for who in ('a', 'b'):
            d = os.path.join(prefix, 'gw-' + who)
            os.mkdir(d)
            port = free_port()
            conf = os.path.join(d, 'nginx.conf')
            with open(conf, 'w') as f:
                f.write(SHARED_CONF % dict(module=module, d=d, p=prefix, host=HOST, rport=rport,
                                           who=who, port=port))
            proc = subprocess.Popen([NGINX, '-p', d, '-c', conf], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            procs.append(proc)
            wait_listening(port, proc, time.time() + 20)
            ports.append(port)

        def ask(gw, method='GET'):
            st, h, b = request(ports[gw], method, '/', body=b'' if method == 'POST' else None)
            check(st == 200, 'gateway %d: %d %r' % (gw, st, b))
            return b.decode()

        check(ask(1) == 'null null', 'fresh store')
        check(ask(0, 'POST') == 'a 1', 'a writes')
        check(ask(1) == '1 a', 'b reads what a wrote')
        for i in range(2, 12):  # alternating writers, landing on either worker
            who = 'ab'[(i + 1) % 2]
            check(ask((i + 1) % 2, 'POST') == '%s %d' % (who, i), 'write %d' % i)
            check(ask(i % 2) == '%d %s' % (i, who), 'read %d' % i)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGQUIT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        rproc.terminate()
        rproc.wait()


def main():
    if len(sys.argv) != 2 or not os.path.exists(sys.argv[1]):
        print('usage: test-nginx.py PATH-TO-ngx_http_edgefn_module.so', file=sys.stderr)
        return 2
    module = os.path.abspath(sys.argv[1])
    signal.alarm(WHOLE_RUN_LIMIT_S)
    prefix = tempfile.mkdtemp(prefix='edgefn-nginx-')
    os.chmod(prefix, 0o755)  # workers run as nobody when nginx starts as root
    os.mkdir(os.path.join(prefix, 'kv'))
    os.chmod(os.path.join(prefix, 'kv'), 0o777)  # the SQLite store, written by the workers
    fdir = os.path.join(prefix, 'functions')
    os.mkdir(fdir)
    for name, src in FUNCTIONS.items():
        with open(os.path.join(fdir, name + '.js'), 'w') as f:
            f.write(src)
    with open(os.path.join(fdir, 'rules.json'), 'w') as f:
        f.write(RULES)
    origin = http.server.ThreadingHTTPServer((HOST, 0), Origin)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    port = free_port()
    conf = write_conf(prefix, module, port, origin.server_address[1], fdir)
    proc = None
    try:
        def config_test():
            out = subprocess.run([NGINX, '-t', '-p', prefix, '-c', conf], capture_output=True,
                                 text=True, timeout=30)
            check(out.returncode == 0, 'nginx -t failed: ' + out.stderr[-400:])

        def broken_script_is_refused():
            with open(os.path.join(fdir, 'broken.js'), 'w') as f:
                f.write('addEventListener("fetch", function (e) {\n  var x = ;\n});\n')
            bad = write_conf(prefix, module, port, origin.server_address[1], fdir,
                             'edgefn_function broken %s/broken.js;' % fdir)
            out = subprocess.run([NGINX, '-t', '-p', prefix, '-c', bad], capture_output=True,
                                 text=True, timeout=30)
            write_conf(prefix, module, port, origin.server_address[1], fdir)
            check(out.returncode != 0, 'a script with a syntax error passed nginx -t')
            check('broken.js:2' in out.stderr, 'no file:line in: ' + out.stderr[-400:])

        run('nginx -t accepts the configuration', config_test)
        run('nginx -t refuses a script with a syntax error, naming file:line',
            broken_script_is_refused)
        proc = subprocess.Popen([NGINX, '-p', prefix, '-c', conf], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        wait_listening(port, proc, time.time() + 20)

        def hello():
            st, h, b = request(port, 'GET', '/hello')
            check(st == 200, 'status %d' % st)
            check(b == b'Hello from libedgefn in nginx!\n', repr(b))
            check(h.get('x-fn') == 'hello', 'headers %r' % h)
            check(h.get('content-type') == 'text/plain; charset=utf-8', 'content-type %r' % h)

        def head():
            st, h, b = request(port, 'HEAD', '/hello')
            check(st == 200 and b == b'', 'status %d body %r' % (st, b))

        def post_body(size):
            def f():
                body = (b'0123456789abcdef' * (size // 16 + 1))[:size]
                st, h, b = request(port, 'POST', '/api?q=1', body=body,
                                   headers={'User-Agent': 'edgefn-test'})
                check(st == 200, 'status %d; error log: %s' % (st, log_tail(prefix)))
                j = json.loads(b)
                check(j['method'] == 'POST', repr(j))
                check(j['url'] == 'http://site.test/api?q=1', repr(j))
                check(j['length'] == size, 'length %d, sent %d' % (j['length'], size))
                check(j['head'] == body[:16].decode(), repr(j))
                check(j['ua'] == 'edgefn-test', repr(j))
            return f

        def default_path_and_cache():
            hits = Origin.hits
            st, h, b = request(port, 'GET', '/page')
            check(st == 200 and b == b'origin /page', '%d %r' % (st, b))
            statuses = [h.get('x-edgefn-cache')]
            # Two workers, each with its own cache, and nginx picks the worker: each may miss
            # once, on whichever request first reaches it (the last one, possibly); every
            # other request is a hit.
            for _ in range(6):
                st, h, b = request(port, 'GET', '/page')
                check(b == b'origin /page', repr(b))
                statuses.append(h.get('x-edgefn-cache'))
            check(Origin.hits - hits <= 2, 'the origin was asked %d times' % (Origin.hits - hits))
            check(statuses.count('MISS') == Origin.hits - hits and
                  statuses.count('HIT') == len(statuses) - statuses.count('MISS'),
                  'cache statuses %r, origin asked %d times' % (statuses, Origin.hits - hits))

        def subrequest():
            st, h, b = request(port, 'GET', '/sub')
            check(st == 200 and b.startswith(b'sub: origin /data '), '%d %r' % (st, b))

        def timers():
            t0 = time.time()
            with concurrent.futures.ThreadPoolExecutor(20) as ex:
                res = list(ex.map(lambda i: request(port, 'GET', '/timer'), range(40)))
            dt = time.time() - t0
            check(all(r[0] == 200 and r[2] == b'waited true' for r in res), repr(res[:2]))
            check(dt < 1.5, '40 requests sleeping 50 ms took %.2f s: not concurrent' % dt)

        def cpu_limit():
            t0 = time.time()
            st, h, b = request(port, 'GET', '/cpu')
            dt = time.time() - t0
            check(st == 503, 'status %d' % st)
            check(dt < 1.0, 'took %.2f s' % dt)
            st, h, b = request(port, 'GET', '/hello')
            check(st == 200, 'the next request failed: %d' % st)

        def script_error():
            st, h, b = request(port, 'GET', '/thrower')
            check(st == 500, 'status %d' % st)

        def no_origin():
            st, h, b = request(port, 'GET', '/nothing', host='elsewhere.test')
            check(st == 502, 'status %d' % st)

        def nginx_locations_untouched():
            st, h, b = request(port, 'GET', '/static/x')
            check(st == 200 and b == b'nginx itself\n', '%d %r' % (st, b))

        def kv_and_env():
            st, h, b = request(port, 'PUT', '/kvfn?k=colour', body=b'teal')
            check(st == 200 and b == b'stored', '%d %r; %s' % (st, b, log_tail(prefix)))
            # Both workers see it: the SQLite store is one file.
            for _ in range(4):
                st, h, b = request(port, 'GET', '/kvfn?k=colour')
                check(st == 200 and b == b'hello teal', '%d %r' % (st, b))
            st, h, b = request(port, 'GET', '/kvfn?k=missing')
            check(b == b'hello null', repr(b))

        def graceful_reload():
            os.kill(proc.pid, signal.SIGHUP)
            time.sleep(0.5)
            st, h, b = request(port, 'GET', '/hello')
            check(st == 200, 'status %d after reload' % st)

        run('a function answers', hello)
        run('HEAD gets the head only', head)
        run('POST with a small body', post_body(100))
        run('POST with a 1 MB body (nginx keeps it in a temp file)', post_body(1 << 20))
        run('no rule: cache -> origin, then a cache hit', default_path_and_cache)
        run("a function's same-host subrequest goes through the cache to the origin",
            subrequest)
        run("timers run on nginx's event loop, concurrently", timers)
        run('an endless loop is stopped by the CPU limit with 503', cpu_limit)
        run('a rejected respondWith promise is a 500', script_error)
        run('a host without an origin is a 502', no_origin)
        run("nginx's own locations still work", nginx_locations_untouched)
        run('KV namespace (SQLite, shared by the workers) and env values', kv_and_env)
        run('SIGHUP reload keeps serving', graceful_reload)

        def clean_exit():
            # A request waiting on a function's timer when the shutdown starts is finished.
            with concurrent.futures.ThreadPoolExecutor(1) as ex:
                # The function waits 800 ms; the signal comes 300 ms in, when the request
                # has surely reached a worker even on a loaded machine.
                pending = ex.submit(request, port, 'GET', '/timer?ms=800')
                time.sleep(0.3)
                os.kill(proc.pid, signal.SIGQUIT)
                st, h, b = pending.result(timeout=10)
            check(st == 200 and b == b'waited true', 'in-flight request: %d %r' % (st, b))
            rc = proc.wait(timeout=15)
            check(rc == 0, 'nginx exited with %d' % rc)
            with open(os.path.join(prefix, 'error.log')) as f:
                log = f.read()
            check('signal 11' not in log and 'signal 6' not in log, 'a worker crashed: ' +
                  log[-600:])
            breach = [ln for ln in log.splitlines() if 'edgefn cpu:' in ln and 'CPU' in ln]
            check(breach, 'the CPU breach was not logged under the function\'s name')

        run('graceful shutdown finishes a request in flight; no worker crashed', clean_exit)
        run("two nginx instances sharing one redis-server see each other's KV writes",
            lambda: two_nginx_share_redis(module, prefix))
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        origin.shutdown()
        shutil.rmtree(prefix, ignore_errors=True)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
