#!/usr/bin/env python3
"""edgefn-gateway against nginx+njs and workerd, side by side in one run.

usage: bench-gateway.py GATEWAY [--seconds N] [--rounds N] [--connections N]
                                [--workerd PATH] [--only hello,cache,subrequest]
                                [--soak SECONDS]

Every server listens on 127.0.0.1 only and is pinned to one core (taskset), the load
generator (wrk, one thread) to the other. The servers of a scenario run at once and are
measured in turn, round after round (each a timed wrk run that stops by itself), so load from
neighbours on a shared machine falls on all of them alike; the median round is reported.
Scenarios:

  hello       the same hello-world function: edgefn-gateway (--script, one worker), the
              same with --no-io-uring (plain recv()/send() per request), nginx + njs
              (js_content, one worker process), workerd (serviceWorkerScript), and nginx
              answering with `return` and no script: the most one wrk thread drives here
  cache       a 1 KB object served from the cache: edgefn-gateway's cache in front of an
              origin vs nginx proxy_cache in front of the same origin
  subrequest  a function that fetches a 1 KB uncacheable object from a local origin and
              returns it: edgefn-gateway vs nginx + njs (ngx.fetch)

Prints requests/s and p99 latency for each server and the ratios against each reference
measured in this run. Exits 1 if a server failed to start or answered errors.

--soak SECONDS instead runs the demo site (functions, cache, in-process origin, two workers)
under full load for that long with wrk rotating over its paths, samples the gateway's
resident memory every 10 s, and fails on any error response or on memory that keeps growing.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HOST = '127.0.0.1'
HELLO = 'Hello, world!\n'
NJS_MODULE = '/usr/lib/nginx/modules/ngx_http_js_module.so'

GATEWAY_HELLO = """addEventListener('fetch', function (event) {
  event.respondWith(new Response('Hello, world!\\n', {
    headers: { 'content-type': 'text/plain' }
  }));
});
"""

GATEWAY_SUBREQUEST = """addEventListener('fetch', function (event) {
  event.respondWith(fetch('http://127.0.0.1/nocache.bin').then(function (r) {
    return r.arrayBuffer().then(function (b) {
      return new Response(b, { headers: { 'content-type': 'application/octet-stream' } });
    });
  }));
});
"""

NJS = """function hello(r) {
  r.headersOut['Content-Type'] = 'text/plain';
  r.return(200, 'Hello, world!\\n');
}
function sub(r) {
  ngx.fetch('http://127.0.0.1:ORIGIN_PORT/nocache.bin').then(function (res) {
    return res.arrayBuffer();
  }).then(function (body) {
    r.headersOut['Content-Type'] = 'application/octet-stream';
    r.return(200, body);
  }).catch(function (e) { r.return(502, String(e)); });
}
export default { hello, sub };
"""

WORKERD_SCRIPT = """addEventListener('fetch', event => {
  event.respondWith(new Response('Hello, world!\\n', {
    headers: { 'content-type': 'text/plain' }
  }));
});
"""

WORKERD_CONFIG = """using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .hello) ],
  sockets = [ ( name = "http", address = "127.0.0.1:PORT", http = (), service = "main" ) ]
);
const hello :Workerd.Worker = (
  serviceWorkerScript = embed "hello-workerd.js",
  compatibilityDate = "2024-01-01",
);
"""


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(proc, port, limit=20.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


class Bench:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        ncpu = os.cpu_count() or 1
        self.pin = ncpu >= 2 and shutil.which('taskset') is not None
        self.server_cpu, self.client_cpu = ('1', '0') if self.pin else (None, None)
        self.failed = False

    def pinned(self, cpu, argv):
        return (['taskset', '-c', cpu] + argv) if cpu else argv

    def start(self, argv, port, name, cpu='server', cwd=None):
        out = open(os.path.join(self.tmp, name + '.log'), 'wb')
        cpu = self.server_cpu if cpu == 'server' else self.client_cpu
        proc = subprocess.Popen(self.pinned(cpu, argv), stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=cwd or self.tmp)
        proc.log_file = out
        if not wait_port(proc, port):
            self.stop(proc)
            print('error: %s did not start; its log:' % name, file=sys.stderr)
            print(open(out.name, errors='replace').read()[-2000:], file=sys.stderr)
            self.failed = True
            return None
        return proc

    def stop(self, proc):
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        proc.log_file.close()

    def wrk(self, url, seconds):
        argv = self.pinned(self.client_cpu, ['wrk', '-t1', '-c%d' % self.args.connections,
                                             '-d%ds' % seconds, '--latency', url])
        p = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
        out = p.stdout
        rps = re.search(r'Requests/sec:\s+([\d.]+)', out)
        p99 = re.search(r'^\s+99%\s+([\d.]+)(us|ms|s)\s*$', out, re.M)
        errors = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
        sock = re.search(r'Socket errors: (.*)', out)
        if not rps or not p99:
            raise RuntimeError('wrk output not understood:\n' + out + p.stderr)
        scale = {'us': 1e-3, 'ms': 1.0, 's': 1e3}[p99.group(2)]
        return {'rps': float(rps.group(1)), 'p99_ms': float(p99.group(1)) * scale,
                'errors': int(errors.group(1)) if errors else 0,
                'socket_errors': sock.group(1).strip() if sock else ''}

    def check_answer(self, name, url, expect):
        import urllib.request
        with urllib.request.urlopen(url, timeout=5) as r:
            body = r.read()
        if body != expect:
            print('error: %s answered %r' % (name, body[:100]), file=sys.stderr)
            self.failed = True
            return False
        return True

    def compare(self, scenario, servers, rows):
        """servers: (name, url, expected body) all running at once. Each is warmed up, then
        measured in turn for several rounds, so a neighbour's load on this shared machine
        falls on every server alike; the median round counts."""
        live = [(n, u) for n, u, e in servers if self.check_answer(n, u, e)]
        for n, u in live:
            self.wrk(u, 2)
        results = {n: [] for n, _ in live}
        for _ in range(self.args.rounds):
            for n, u in live:
                res = self.wrk(u, self.args.seconds)
                if res['errors'] or res['socket_errors']:
                    print('warning: %s: %d non-2xx, socket errors: %s' % (
                        n, res['errors'], res['socket_errors'] or 'none'), file=sys.stderr)
                    self.failed = self.failed or res['errors'] > 0
                results[n].append(res)
        for n, _ in live:
            rs = sorted(results[n], key=lambda r: r['rps'])
            med = dict(rs[len(rs) // 2])
            med['all'] = [r['rps'] for r in results[n]]
            rows.append((scenario, n, med))

    # ---- servers ----

    def nginx_conf(self, port, body):
        user = 'user root root;\n' if os.geteuid() == 0 else ''
        conf = os.path.join(self.tmp, 'nginx-%d.conf' % port)
        temp = ''.join('%s_temp_path %s/%s-temp;\n' % (k, self.tmp, k)
                       for k in ('client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'))
        with open(conf, 'w') as f:
            f.write('load_module %s;\n%sworker_processes 1;\ndaemon off;\npid %s/nginx-%d.pid;\n'
                    'error_log %s/nginx-%d-error.log warn;\n'
                    'events { worker_connections 4096; }\n'
                    'http {\n access_log off;\n %s\n keepalive_requests 1000000;\n%s\n}\n' % (
                        NJS_MODULE, user, self.tmp, port, self.tmp, port, temp, body))
        return conf

    def start_nginx(self, port, body, name, cpu='server'):
        conf = self.nginx_conf(port, body)
        return self.start(['nginx', '-p', self.tmp, '-c', conf], port, name, cpu=cpu)

    def start_gateway(self, port, extra, name):
        return self.start([self.args.gateway, '--quiet', '--log-level', 'error',
                           '--workers', '1'] + extra, port, name)


SOAK_PATHS = ['/', '/echo', '/api/items?tag=fast', '/api/items/2', '/ab', '/geo',
              '/merge', '/index.html', '/style.css', '/fragments/body.html']


def rss_kb(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


def soak(args):
    tmp = tempfile.mkdtemp(prefix='edgefn-soak-')
    b = Bench(args, tmp)
    script = os.path.join(tmp, 'rotate.lua')
    with open(script, 'w') as f:
        f.write('local paths = {%s}\nlocal i = 0\n'
                'local bad = 0\n'
                'request = function()\n  i = i %% #paths + 1\n'
                '  return wrk.format("GET", paths[i], {["Cookie"] = "ab-bucket=a"})\nend\n'
                'response = function(status, headers, body)\n'
                '  if status >= 400 and bad < 10 then bad = bad + 1\n'
                '    print("error response " .. status .. ": " .. string.sub(body, 1, 200))\n'
                '  end\nend\n' %
                ', '.join('"%s"' % p for p in SOAK_PATHS))
    port = free_port()
    p = b.start([args.gateway, '--demo', '--quiet', '--log-level', 'error', '--workers', '2',
                 '--listen', '%s:%d' % (HOST, port)], port, 'gateway-soak')
    if not p:
        return 1
    samples = []
    try:
        argv = b.pinned(b.client_cpu, ['wrk', '-t1', '-c%d' % args.connections,
                                       '-d%ds' % args.soak, '--latency', '-s', script,
                                       'http://%s:%d' % (HOST, port)])
        w = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        start = time.monotonic()
        while w.poll() is None:
            samples.append((time.monotonic() - start, rss_kb(p.pid)))
            time.sleep(10)
        out = w.stdout.read()
    finally:
        b.stop(p)
        shutil.rmtree(tmp, ignore_errors=True)
    rps = re.search(r'Requests/sec:\s+([\d.]+)', out)
    total = re.search(r'(\d+) requests in', out)
    errors = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
    sock = re.search(r'Socket errors: (.*)', out)
    print(out)
    print('soak: %ds, %s requests, %s requests/s, non-2xx/3xx: %s, socket errors: %s' % (
        args.soak, total.group(1) if total else '?', rps.group(1) if rps else '?',
        errors.group(1) if errors else '0', sock.group(1) if sock else 'none'))
    print('resident memory (s, KiB): ' + ', '.join('%d:%d' % (t, k) for t, k in samples))
    # Flat: after the first minute's warm-up, the last sample within 10% of the warm one.
    warm = [k for t, k in samples if t >= 60] or [k for _, k in samples]
    growth = (warm[-1] - warm[0]) / warm[0] if warm and warm[0] else 0.0
    print('memory after warm-up: %d KiB -> %d KiB (%+.1f%%)' % (warm[0], warm[-1], growth * 100)
          if warm else 'no memory samples')
    bad = bool(errors) or bool(sock) or not rps or growth > 0.10
    print('soak: %s' % ('FAILED' if bad else 'ok'))
    return 1 if bad else 0


def ratio(a, b):
    return a / b if b else float('nan')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('gateway')
    ap.add_argument('--seconds', type=int, default=5, help='per round')
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--connections', type=int, default=50)
    ap.add_argument('--workerd', default=None)
    ap.add_argument('--only', default='hello,cache,subrequest')
    ap.add_argument('--soak', type=int, default=0, metavar='SECONDS')
    args = ap.parse_args()
    args.gateway = os.path.abspath(args.gateway)
    if args.workerd:  # servers start in temporary folders: a relative path would not resolve
        args.workerd = os.path.abspath(args.workerd)
    if args.soak:
        return soak(args)
    for tool in ('wrk', 'nginx'):
        if not shutil.which(tool):
            print('error: %s is not installed (scripts/bench-gateway installs it)' % tool,
                  file=sys.stderr)
            return 1
    if not os.path.exists(NJS_MODULE):
        print('error: %s missing (libnginx-mod-http-js)' % NJS_MODULE, file=sys.stderr)
        return 1
    only = set(args.only.split(','))
    tmp = tempfile.mkdtemp(prefix='edgefn-bench-gw-')
    os.chmod(tmp, 0o755)
    b = Bench(args, tmp)
    rows = []  # (scenario, server, result)
    origin = None
    procs = []
    try:
        with open(os.path.join(tmp, 'hello.js'), 'w') as f:
            f.write(GATEWAY_HELLO)
        with open(os.path.join(tmp, 'sub.js'), 'w') as f:
            f.write(GATEWAY_SUBREQUEST)
        with open(os.path.join(tmp, 'hello-workerd.js'), 'w') as f:
            f.write(WORKERD_SCRIPT)
        os.makedirs(os.path.join(tmp, 'www'))
        with open(os.path.join(tmp, 'www', '1k.bin'), 'wb') as f:
            f.write(b'x' * 1024)
        with open(os.path.join(tmp, 'www', 'nocache.bin'), 'wb') as f:
            f.write(b'y' * 1024)
        # The origin (cache and subrequest scenarios) runs on the client's core: after the
        # warm-up a cache benchmark never reaches it.
        oport = free_port()
        if only & {'cache', 'subrequest'}:
            origin = b.start_nginx(oport, (
                'server { listen %s:%d; root %s/www;\n'
                ' location = /1k.bin { add_header Cache-Control "public, max-age=3600"; }\n'
                ' location = /nocache.bin { add_header Cache-Control "no-store"; }\n}') % (
                    HOST, oport, tmp), 'origin', cpu='client')
            if not origin:
                return 1
        with open(os.path.join(tmp, 'bench.njs'), 'w') as f:
            f.write(NJS.replace('ORIGIN_PORT', str(oport)))

        if 'hello' in only:
            servers = []
            port = free_port()
            p = b.start_gateway(port, ['--script', os.path.join(tmp, 'hello.js'),
                                       '--listen', '%s:%d' % (HOST, port)], 'gateway-hello')
            procs.append(p)
            if p:
                servers.append(('edgefn-gateway', 'http://%s:%d/' % (HOST, port), HELLO.encode()))
            # The same gateway without io_uring batching: what the batching is worth here.
            port = free_port()
            p = b.start_gateway(port, ['--script', os.path.join(tmp, 'hello.js'), '--no-io-uring',
                                       '--listen', '%s:%d' % (HOST, port)], 'gateway-hello-plain')
            procs.append(p)
            if p:
                servers.append(('gateway plain I/O', 'http://%s:%d/' % (HOST, port),
                                HELLO.encode()))
            port = free_port()
            p = b.start_nginx(port, 'js_import bench from %s/bench.njs;\n'
                              'server { listen %s:%d; location / { js_content bench.hello; } }'
                              % (tmp, HOST, port), 'nginx-njs-hello')
            procs.append(p)
            if p:
                servers.append(('nginx+njs', 'http://%s:%d/' % (HOST, port), HELLO.encode()))
            # No script at all: nginx's own `return`. What one wrk thread can drive on this
            # machine, so a server near it is measured against the client's limit.
            port = free_port()
            p = b.start_nginx(port, 'server { listen %s:%d; location / { default_type text/plain;'
                              ' return 200 "%s"; } }' % (HOST, port, HELLO.replace('\n', '\\n')),
                              'nginx-static-hello')
            procs.append(p)
            if p:
                servers.append(('nginx static', 'http://%s:%d/' % (HOST, port), HELLO.encode()))
            if args.workerd:
                port = free_port()
                cfg = os.path.join(tmp, 'workerd.capnp')
                with open(cfg, 'w') as f:
                    f.write(WORKERD_CONFIG.replace('PORT', str(port)))
                p = b.start([args.workerd, 'serve', cfg], port, 'workerd')
                procs.append(p)
                if p:
                    servers.append(('workerd', 'http://%s:%d/' % (HOST, port), HELLO.encode()))
            b.compare('hello', servers, rows)
            for p in procs:
                b.stop(p)
            procs = []

        if 'cache' in only:
            servers = []
            port = free_port()
            cfg = os.path.join(tmp, 'cache.json')
            with open(cfg, 'w') as f:
                f.write('{"workers": 1, "listeners": [{"address": "%s:%d"}],'
                        ' "origins": [{"host": "127.0.0.1", "address": "%s:%d"}],'
                        ' "cache": {"memory_mb": 64}, "log": {"access_log": false,'
                        ' "level": "error"}}' % (HOST, port, HOST, oport))
            p = b.start([args.gateway, '--config', cfg], port, 'gateway-cache')
            procs.append(p)
            if p:
                servers.append(('edgefn-gateway', 'http://%s:%d/1k.bin' % (HOST, port),
                                b'x' * 1024))
            port = free_port()
            p = b.start_nginx(port, (
                'proxy_cache_path %s/cache levels=1:2 keys_zone=c:10m max_size=100m '
                'inactive=60m use_temp_path=off;\n'
                'upstream origin { server %s:%d; keepalive 16; }\n'
                'server { listen %s:%d; location / { proxy_pass http://origin;'
                ' proxy_http_version 1.1; proxy_set_header Connection "";'
                ' proxy_cache c; add_header X-Cache $upstream_cache_status; } }') % (
                    tmp, HOST, oport, HOST, port), 'nginx-proxy-cache')
            procs.append(p)
            if p:
                servers.append(('nginx proxy_cache', 'http://%s:%d/1k.bin' % (HOST, port),
                                b'x' * 1024))
            b.compare('cache', servers, rows)
            for p in procs:
                b.stop(p)
            procs = []

        if 'subrequest' in only:
            servers = []
            port = free_port()
            cfg = os.path.join(tmp, 'sub.json')
            with open(cfg, 'w') as f:
                f.write('{"workers": 1, "listeners": [{"address": "%s:%d"}],'
                        ' "origins": [{"host": "127.0.0.1", "address": "%s:%d"}],'
                        ' "functions": [{"name": "sub", "script": "sub.js"}],'
                        ' "rules": [{"function": "sub", "match": [[{"field": "path",'
                        ' "operator": "equals", "values": ["/sub"]}]]}],'
                        ' "log": {"access_log": false, "level": "error"}}' % (
                            HOST, port, HOST, oport))
            p = b.start([args.gateway, '--config', cfg], port, 'gateway-sub')
            procs.append(p)
            if p:
                servers.append(('edgefn-gateway', 'http://%s:%d/sub' % (HOST, port), b'y' * 1024))
            port = free_port()
            p = b.start_nginx(port, 'js_import bench from %s/bench.njs;\n'
                              'server { listen %s:%d; location / { js_content bench.sub; } }'
                              % (tmp, HOST, port), 'nginx-njs-sub')
            procs.append(p)
            if p:
                servers.append(('nginx+njs', 'http://%s:%d/sub' % (HOST, port), b'y' * 1024))
            b.compare('subrequest', servers, rows)
            for p in procs:
                b.stop(p)
            procs = []
    finally:
        for p in procs:
            b.stop(p)
        b.stop(origin)
        shutil.rmtree(tmp, ignore_errors=True)

    print('\nedgefn-gateway benchmark: wrk -t1 -c%d, %d interleaved rounds of %d s, server '
          'pinned to cpu %s, wrk to cpu %s; median round' % (
              args.connections, args.rounds, args.seconds, b.server_cpu or '-',
              b.client_cpu or '-'))
    print('%-11s %-18s %12s %10s   %s' % ('scenario', 'server', 'requests/s', 'p99 ms',
                                         'every round (requests/s)'))
    for scen, name, r in rows:
        print('%-11s %-18s %12.0f %10.2f   %s' % (scen, name, r['rps'], r['p99_ms'],
                                                ' '.join('%.0f' % x for x in r['all'])))
    print()
    for scen in ('hello', 'cache', 'subrequest'):
        mine = [r for s, n, r in rows if s == scen and n == 'edgefn-gateway']
        for s, n, r in rows:
            if s == scen and n != 'edgefn-gateway' and mine:
                print('%-11s edgefn-gateway / %-18s requests/s %.2fx   p99 %.2fx' % (
                    scen, n, ratio(mine[0]['rps'], r['rps']),
                    ratio(mine[0]['p99_ms'], r['p99_ms'])))
    return 1 if b.failed else 0


if __name__ == '__main__':
    sys.exit(main())
