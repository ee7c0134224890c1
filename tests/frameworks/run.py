#!/usr/bin/env python3
"""Published edge-function frameworks and libraries, run unchanged (issue: run the scripts people already
write for Workers and EdgeOne).

usage: run.py GATEWAY WORK_DIR

Installs the frameworks pinned in tests/frameworks/package.json (npm, test tooling only) into
WORK_DIR, bundles each app in tests/frameworks/apps with esbuild as wrangler does (one ES
module), and sends the same requests to two places: Node.js, which calls the bundle's
`fetch(request)` itself (the oracle), and edgefn-gateway serving the bundle on loopback. Each
case passes when the status, the body and the headers (except the ones a server adds: date,
server, content-length, transfer-encoding, connection) are the same. Prints one line per
case and "N passed, N failed".
"""
import base64
import gzip
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER_HEADERS = {'date', 'server', 'content-length', 'transfer-encoding', 'connection',
                  'keep-alive'}
AUTH = 'Basic YWRhOmxvdmVsYWNl'  # ada:lovelace
# HS256 over {"sub":"ada","role":"admin","exp":4102444800} with the app's secret
JWT = ('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZGEiLCJyb2xlIjoiYWRtaW4iLCJleHAiOjQx'
       'MDI0NDQ4MDB9.DKJNcmeHn9Zs_Nx3kKpyK4jW-L08yBccFxUqSDP59LU')

# (method, path, headers, body) per app
CASES = {
    'hono': [
        ('GET', '/', {}, None),
        ('GET', '/api/items/42?q=x&tag=a&tag=b', {'Origin': 'https://example.com'}, None),
        ('GET', '/api/items/abc', {}, None),
        ('POST', '/api/echo', {'Content-Type': 'application/json'}, '{"a":[1,2],"b":"\u00e9"}'),
        ('POST', '/api/echo', {'Content-Type': 'application/json'}, 'not json'),
        ('OPTIONS', '/api/echo', {'Origin': 'https://example.com',
                                  'Access-Control-Request-Method': 'POST'}, None),
        ('POST', '/form', {'Content-Type': 'application/x-www-form-urlencoded'}, 'a=1&b=two+words'),
        ('GET', '/etag/x', {}, None),
        ('GET', '/etag/x', {'If-None-Match': '"8e1ec218dc7ecaadd65388fba9b6723ce114268a"'}, None),
        ('GET', '/secure/page', {}, None),
        ('GET', '/admin/panel', {}, None),
        ('GET', '/admin/panel', {'Authorization': AUTH}, None),
        ('GET', '/redirect', {}, None),
        ('GET', '/cookie', {'Cookie': 'visits=4; other=x'}, None),
        ('GET', '/headers', {'X-One': '1', 'X-Two': '2'}, None),
        ('GET', '/stream', {}, None),
        ('GET', '/throw', {}, None),
        ('GET', '/nowhere', {}, None),
    ],
    'hono-middleware': [
        ('GET', '/c/big', {'Accept-Encoding': 'gzip'}, None),
        ('GET', '/pretty/j?pretty', {}, None),
        ('GET', '/bearer/x', {'Authorization': 'Bearer tok'}, None),
        ('GET', '/bearer/x', {'Authorization': 'Bearer wrong'}, None),
        ('GET', '/sign', {}, None),
        ('GET', '/jwt/me', {'Authorization': 'Bearer ' + JWT}, None),
        ('GET', '/jwt/me', {'Authorization': 'Bearer ' + JWT[:-2] + 'xx'}, None),
        ('POST', '/csrf/form', {'Origin': 'https://evil.example',
                                'Content-Type': 'application/x-www-form-urlencoded'}, 'a=1'),
        ('POST', '/csrf/form', {'Origin': 'https://example.com',
                                'Content-Type': 'application/x-www-form-urlencoded'}, 'a=1'),
        ('POST', '/limit/up', {'Content-Type': 'text/plain'}, 'short'),
        ('POST', '/limit/up', {'Content-Type': 'text/plain'}, 'far too long a body'),
        ('GET', '/slash/', {}, None),
        ('POST', '/v', {'Content-Type': 'application/json'}, '{"n": 21}'),
        ('POST', '/v', {'Content-Type': 'application/json'}, '{"n": "x"}'),
        ('GET', '/st', {}, None),
        ('GET', '/sse', {}, None),
        ('GET', '/http-exc', {}, None),
        ('GET', '/html', {}, None),
        ('GET', '/signed', {'Cookie': 'sid=v1.Biz54JyA9V7S0Rd0URDLi1SYNKevqZRx3aDSPNb%2BFEw%3D'}, None),
        ('GET', '/signed', {'Cookie': 'sid=v1.forged'}, None),
        ('GET', '/url?x=1', {}, None),
        ('GET', '/sub/1', {}, None),
        ('GET', '/sub/1/2', {}, None),
    ],
    'libraries': [
        ('POST', '/zod', {'Content-Type': 'application/json'},
         '{"name":"Ada","email":"ada@example.com","age":36,"tags":["a"]}'),
        ('POST', '/zod', {'Content-Type': 'application/json'},
         '{"name":"A","email":"nope","age":-1.5,"tags":["d"],"extra":1}'),
        ('GET', '/jose/hs256', {}, None),
        ('GET', '/jose/rs256', {}, None),
        ('GET', '/jose/es256', {}, None),
        ('GET', '/jose/jwe', {}, None),
        ('GET', '/nanoid', {}, None),
    ],
    'utilities': [('GET', '/' + name, {}, None) for name in (
        'marked', 'dateFns', 'valibot', 'uuid', 'superjson', 'yaml', 'lodash', 'cookie', 'qs',
        'ua', 'dayjs', 'xml', 'ptr', 'jwt', 'mime', 'he', 'base64', 'nothing')],
    'h3': [
        ('GET', '/', {}, None),
        ('GET', '/items/5?a=1&b=two', {}, None),
        ('POST', '/echo', {'Content-Type': 'application/json'}, '{"x":[1,true]}'),
        ('GET', '/hdr', {}, None),
        ('GET', '/err', {}, None),
        ('GET', '/redir', {}, None),
        ('GET', '/nope', {}, None),
    ],
    'itty': [
        ('GET', '/', {}, None),
        ('GET', '/items/7?sort=asc', {'Origin': 'https://example.com'}, None),
        ('GET', '/files/a/b/c.txt', {}, None),
        ('POST', '/echo', {'Content-Type': 'application/json'}, '[1,{"x":null}]'),
        ('OPTIONS', '/echo', {'Origin': 'https://example.com',
                              'Access-Control-Request-Method': 'POST'}, None),
        ('GET', '/teapot', {}, None),
        ('GET', '/page', {}, None),
        ('GET', '/created', {}, None),
        ('GET', '/throw', {}, None),
        ('GET', '/nowhere', {}, None),
    ],
}

ORACLE = r'''
// Debian 12's Node (18) has Web Crypto only as a module, not yet as the globals Workers give.
const { webcrypto } = await import('node:crypto');
if (!globalThis.crypto) globalThis.crypto = webcrypto;
if (!globalThis.CryptoKey) globalThis.CryptoKey = webcrypto.CryptoKey;
const [bundle, base, casesJson] = process.argv.slice(2);
const app = (await import(bundle)).default;
const out = [];
for (const [method, path, headers, body] of JSON.parse(casesJson)) {
  const init = { method, headers };
  if (body !== null) init.body = body;
  const res = await app.fetch(new Request(base + path, init), {}, {
    waitUntil() {}, passThroughOnException() {} });
  const hs = [];
  res.headers.forEach((v, k) => { if (k !== 'set-cookie') hs.push([k, v]); });
  for (const c of res.headers.getSetCookie()) hs.push(['set-cookie', c]);
  out.push({ status: res.status, headers: hs,
             body: Buffer.from(await res.arrayBuffer()).toString('base64') });
}
process.stdout.write(JSON.stringify(out));
'''


def install(work):
    """`npm ci` of the pinned packages (package.json and its package-lock.json, transitive
    versions and integrity hashes included) into work, again only when either changed."""
    os.makedirs(work, exist_ok=True)
    changed = False
    for name in ('package.json', 'package-lock.json'):
        with open(os.path.join(HERE, name)) as f:
            want = f.read()
        dst = os.path.join(work, name)
        have = open(dst).read() if os.path.exists(dst) else None
        if have != want:
            with open(dst, 'w') as f:
                f.write(want)
            changed = True
    if changed or not os.path.isdir(os.path.join(work, 'node_modules', 'hono')):
        subprocess.run(['npm', 'ci', '--no-audit', '--no-fund', '--loglevel=error'], cwd=work,
                       check=True)


def bundle(work, app):
    out = os.path.join(work, app + '.mjs')
    # The app is copied beside node_modules: esbuild resolves imports from the file's folder.
    src = os.path.join(work, app + '.js')
    shutil.copyfile(os.path.join(HERE, 'apps', app + '.js'), src)
    subprocess.run([os.path.join(work, 'node_modules', '.bin', 'esbuild'),
                    src, '--bundle', '--format=esm',
                    '--target=es2022', '--log-level=warning', '--outfile=' + out],
                   cwd=work, check=True)
    return out


def normalize(headers):
    merged = {}
    cookies = []
    for k, v in headers:
        k = k.lower()
        if k in SERVER_HEADERS:
            continue
        if k == 'set-cookie':
            cookies.append(v)
        elif k in merged:
            merged[k] += ', ' + v
        else:
            merged[k] = v
    return sorted(merged.items()) + [('set-cookie', c) for c in sorted(cookies)]


def body_text(data, headers):
    """The body as text, decompressed first when it is gzip-encoded (the two gzip streams
    need not be byte for byte the same)."""
    if any(k.lower() == 'content-encoding' and v == 'gzip' for k, v in headers):
        data = gzip.decompress(data)
    return data.decode('utf-8', errors='replace')


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def gateway_results(gateway, script, port, cases):
    # The log goes to a file: a pipe nobody reads while the requests run could fill up.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([gateway, '--script', script, '--listen', '127.0.0.1:%d' % port,
                             '--workers', '1', '--quiet', '--log-level', 'error'],
                            stdout=subprocess.DEVNULL, stderr=log)
    proc.log = log
    try:
        deadline = time.time() + 20
        while True:
            try:
                socket.create_connection(('127.0.0.1', port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError('the gateway did not start: ' + read_log(proc))
                time.sleep(0.05)
        out = [proc]
        for method, path, headers, body in cases:
            conn = http.client.HTTPConnection('127.0.0.1', port, timeout=20)
            conn.request(method, path, body=body.encode() if body is not None else None,
                         headers=headers)
            res = conn.getresponse()
            out.append({'status': res.status, 'headers': res.getheaders(), 'body': res.read()})
            conn.close()
        return out
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def read_log(proc):
    proc.log.seek(0)
    return proc.log.read().decode(errors='replace')[-2000:]


def check_exit(proc):
    """The gateway must drain and exit 0 (under the sanitizers: no leak or error either)."""
    if proc.returncode != 0:
        return 'the gateway exited with %d: %s' % (proc.returncode, read_log(proc))
    return None


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    gateway, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    for tool in ('node', 'npm'):
        if not shutil.which(tool):
            print('error: %s is missing (scripts/test installs nodejs and npm)' % tool,
                  file=sys.stderr)
            return 1
    install(work)
    passed = failed = 0
    for app, cases in CASES.items():
        script = bundle(work, app)
        oracle = os.path.join(work, 'oracle.mjs')
        with open(oracle, 'w') as f:
            f.write(ORACLE)
        # The same URLs on both sides: the port is the gateway's.
        port = free_port()
        ran = subprocess.run(['node', oracle, script, 'http://127.0.0.1:%d' % port,
                              json.dumps(cases)], capture_output=True, text=True)
        if ran.returncode != 0:
            failed += 1
            print('not ok - %s: the Node oracle failed: %s' % (app, ran.stderr[-2000:]))
            continue
        want = json.loads(ran.stdout)
        got = gateway_results(gateway, script, port, cases)
        proc = got.pop(0)
        for case, w, g in zip(cases, want, got):
            name = '%s: %s %s' % (app, case[0], case[1])
            w['body'] = body_text(base64.b64decode(w['body']), w['headers'])
            g['body'] = body_text(g['body'], g['headers'])
            problems = []
            if w['status'] != g['status']:
                problems.append('status %d, Node %d' % (g['status'], w['status']))
            if w['body'] != g['body']:
                problems.append('body %r, Node %r' % (g['body'][:300], w['body'][:300]))
            wh, gh = normalize(w['headers']), normalize(g['headers'])
            if wh != gh:
                problems.append('headers %r, Node %r' % (gh, wh))
            if problems:
                failed += 1
                print('not ok - %s: %s' % (name, '; '.join(problems)))
            else:
                passed += 1
                print('ok - %s (%d)' % (name, g['status']))
        problem = check_exit(proc)
        if problem:
            failed += 1
            print('not ok - %s: %s' % (app, problem))
        else:
            passed += 1
            print('ok - %s: the gateway drained and exited 0' % app)
    print('%d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
