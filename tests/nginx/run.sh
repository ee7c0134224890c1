#!/usr/bin/env bash
# Builds bindings/nginx against the build folder $1 (again when a source is newer than the
# module) and runs the module's integration test in a real nginx.
#   tests/nginx/run.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
out="$build/bindings/nginx"
module="$out/ngx_http_edgefn_module.so"
if [ ! -f "$module" ] || [ -n "$(find "$root/bindings/nginx" "$build/lib/libedgefn.so" \
    -newer "$module" -print -quit)" ]; then
  "$root/bindings/nginx/build.sh" "$out" "$build"
fi
exec python3 "$root/tests/nginx/test-nginx.py" "$module"
