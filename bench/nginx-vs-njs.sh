#!/usr/bin/env bash
# The same hello-world function in one nginx, served by libedgefn (bindings/nginx) and by njs
# (Debian's libnginx-mod-http-js, js_content), loaded with wrk. Rounds alternate between the
# two so that a noisy machine penalises both alike; prints each round and the median ratio
# libedgefn / njs.
#   bench/nginx-vs-njs.sh BUILD_DIR [SECONDS_PER_ROUND] [ROUNDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
secs=${2:-5}
rounds=${3:-5}
module="$build/bindings/nginx/ngx_http_edgefn_module.so"
[ -f "$module" ] || "$root/bindings/nginx/build.sh" "$build/bindings/nginx" "$build"
njs=/usr/lib/nginx/modules/ngx_http_js_module.so
[ -f "$njs" ] || { echo "needs libnginx-mod-http-js (njs) and wrk" >&2; exit 1; }
dir=$(mktemp -d)
trap 'kill -QUIT $(cat "$dir/nginx.pid" 2>/dev/null) 2>/dev/null || true; sleep 0.5; rm -rf "$dir"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$dir/hello.js" <<'JS'
addEventListener('fetch', function (e) {
  e.respondWith(new Response('hello world', {headers: {'content-type': 'text/plain'}}));
});
JS
cat > "$dir/njs.js" <<'JS'
function hello(r) {
  r.headersOut['Content-Type'] = 'text/plain';
  r.return(200, 'hello world');
}
export default {hello};
JS
echo '{"version": 1, "rules": [{"function": "hello", "match": []}]}' > "$dir/rules.json"
user=""
[ "$(id -u)" -eq 0 ] && user="user root;"
cat > "$dir/nginx.conf" <<CONF
load_module $module;
load_module $njs;
$user
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fcgi;
  uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
  edgefn_function hello $dir/hello.js;
  edgefn_rules $dir/rules.json;
  js_import $dir/njs.js;
  server {
    listen 127.0.0.1:$port;
    location /edgefn { edgefn; }
    location /njs { js_content njs.hello; }
  }
}
CONF
nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
sleep 0.5
curl -sf "http://127.0.0.1:$port/edgefn" | grep -q 'hello world'
curl -sf "http://127.0.0.1:$port/njs" | grep -q 'hello world'
rps() { wrk -t1 -c32 -d"${secs}s" "http://127.0.0.1:$port/$1" | awk '/Requests\/sec/ {print $2}'; }
rps edgefn > /dev/null; rps njs > /dev/null # warm up
ratios=()
for i in $(seq 1 "$rounds"); do
  a=$(rps edgefn)
  b=$(rps njs)
  r=$(python3 -c "print(f'{$a / $b:.2f}')")
  ratios+=("$r")
  echo "round $i: libedgefn $a req/s, njs $b req/s, ratio $r"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median ratio libedgefn/njs: $median (1 worker, wrk -t1 -c32, ${secs}s rounds)"
