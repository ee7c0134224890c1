#!/usr/bin/env bash
# Instructions per request (callgrind, deterministic on one machine) for the hello-world
# function of bench/nginx-module-vs-njs.sh, served by one nginx worker through libedgefn's
# module and through njs: nginx runs under valgrind with `master_process off`, a client
# sends N+10 and then 10 keep-alive requests on one connection to each location, and the
# difference of the two totals divided by N is the cost of one request (start-up and the
# first requests cancel out). Callgrind also simulates the caches, with fixed sizes so that
# figures compare across machines (32 KB 8-way first-level instruction and data caches and a
# 1 MB 8-way last level, one core's share of this AMD EPYC's: valgrind's own detection gets
# virtual CPUs wrong), and the branch predictors. So the figures per request are instructions,
# misses, mispredicted branches, and the estimate of cycles that callgrind_annotate uses:
# instructions + 10 x (first-level misses + mispredicted branches) + 100 x last-level misses.
#
#   bench/nginx-module-callgrind.sh [BUILD_DIR [N]]     (defaults: build-prof, 1000)
#
# BUILD_DIR is a libedgefn meson build folder (a release build with debug information,
# `meson setup build-prof -Dbuildtype=release -Ddebug=true`, lets callgrind_annotate name
# the functions); its module is built with bindings/nginx/build. Counts depend on the
# CPU-specific string routines the C library picks, so compare them within one machine.
# Only 127.0.0.1 is contacted; everything started here is stopped on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-prof}
n=${2:-1000}
for tool in nginx valgrind python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "error: $tool is missing" >&2
    exit 1
  fi
done
if [ ! -f /usr/lib/nginx/modules/ngx_http_js_module.so ]; then
  echo "error: njs is missing: install libnginx-mod-http-js" >&2
  exit 1
fi
module=$("$root/bindings/nginx/build" "$build")
dir=$(mktemp -d /tmp/edgefn-nginx-cg.XXXXXX)
chmod 755 "$dir"
vpid=""
cleanup() {
  if [ -n "$vpid" ] && kill -0 "$vpid" 2>/dev/null; then
    kill -KILL "$vpid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

body='Hello from an edge function!\n'
cat >"$dir/hello.js" <<JS
addEventListener('fetch', function (event) {
  event.respondWith(new Response('$body',
    { headers: { 'content-type': 'text/plain; charset=utf-8' } }));
});
JS
cat >"$dir/hello.mjs" <<JS
function hello(r) {
  r.headersOut['Content-Type'] = 'text/plain; charset=utf-8';
  r.return(200, '$body');
}
export default { hello };
JS
cat >"$dir/rules.json" <<'JSON'
{"rules": [{"function": "hello", "match": [[{"field": "path", "operator": "prefix", "values": ["/edgefn"]}]]}]}
JSON
cat >"$dir/client.py" <<'PY'
import socket, sys
port, path, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port), timeout=120)
req = ("GET %s HTTP/1.1\r\nHost: localhost\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n"
       % path).encode()
buf = b""
for i in range(n):
    s.sendall(req)
    while True:
        h = buf.find(b"\r\n\r\n")
        if h >= 0:
            head = buf[:h].decode("latin-1").split("\r\n")
            if not head[0].startswith("HTTP/1.1 200"):
                sys.exit("error: %s answered %s" % (path, head[0]))
            cl = 0
            for line in head[1:]:
                k, v = line.split(":", 1)
                if k.strip().lower() == "content-length":
                    cl = int(v)
            if len(buf) >= h + 4 + cl:
                buf = buf[h + 4 + cl:]
                break
        d = s.recv(65536)
        if not d:
            sys.exit("error: the connection closed")
        buf += d
PY

# measure PATH COUNT: prints the instructions nginx ran to start, serve COUNT requests on
# one connection to PATH, and stop.
measure() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >"$dir/nginx.conf" <<CONF
load_module $module;
load_module /usr/lib/nginx/modules/ngx_http_js_module.so;
worker_processes 1;
master_process off;
daemon off;
error_log $dir/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 64; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  js_import main from $dir/hello.mjs;
  edgefn_function hello $dir/hello.js;
  edgefn_rules $dir/rules.json;
  server {
    listen 127.0.0.1:$port;
    location /edgefn { edgefn_pass; }
    location /njs { js_content main.hello; }
  }
}
CONF
  valgrind --tool=callgrind --cache-sim=yes --branch-sim=yes \
    --I1=32768,8,64 --D1=32768,8,64 --LL=1048576,8,64 --callgrind-out-file="$dir/cg.out" \
    nginx -p "$dir" -c "$dir/nginx.conf" 2>"$dir/vg.log" &
  vpid=$!
  local up=0
  for _ in $(seq 300); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" \
        2>/dev/null; then
      up=1
      break
    fi
    sleep 0.1
  done
  if [ "$up" -ne 1 ]; then
    echo "error: nginx under valgrind did not start; see $dir/vg.log" >&2
    exit 1
  fi
  python3 "$dir/client.py" "$port" "$1" "$2"
  kill -QUIT "$vpid"
  wait "$vpid" || true
  vpid=""
  # The events (valgrind's order): Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim.
  if ! grep -q 'Events    : Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim$' "$dir/vg.log"; then
    echo "error: callgrind collected other events than expected:" >&2
    grep 'Events' "$dir/vg.log" >&2
    exit 1
  fi
  # Ir I1mr D1mr D1mw ILmr DLmr DLmw Bcm Bim
  awk '/Collected :/ {print $4, $7, $8, $9, $10, $11, $12, $14, $16}' "$dir/vg.log"
}

echo "nginx $(nginx -v 2>&1 | sed 's|.*/||'), one worker under callgrind; $n requests"
declare -A per
for loc in /edgefn /njs; do
  small=$(measure "$loc" 10)
  large=$(measure "$loc" $((n + 10)))
  per[$loc]=$(python3 - "$n" "$small" "$large" <<'PY'
import sys
n = int(sys.argv[1])
small, large = [list(map(int, a.split())) for a in sys.argv[2:4]]
ir, i1, d1r, d1w, ilr, dlr, dlw, bcm, bim = [(b - a) / n for a, b in zip(small, large)]
l1 = i1 + d1r + d1w
ll = ilr + dlr + dlw
bm = bcm + bim
print("%d %.1f %.1f %.1f %.1f %d" % (ir, i1, d1r + d1w, ll, bm, ir + 10 * (l1 + bm) + 100 * ll))
PY
)
  read -r ir i1 d1 ll bm est <<<"${per[$loc]}"
  printf '%-8s %6d instructions %7s I1 misses %6s D1 misses %4s LL misses %6s mispredicted branches %6d est. cycles\n' \
    "$loc" "$ir" "$i1" "$d1" "$ll" "$bm" "$est"
done
read -r e_ir _ _ _ _ e_est <<<"${per[/edgefn]}"
read -r n_ir _ _ _ _ n_est <<<"${per[/njs]}"
python3 -c "print('libedgefn / njs: instructions %.3f, estimated cycles %.3f' % ($e_ir / $n_ir, $e_est / $n_est))"
