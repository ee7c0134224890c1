#!/usr/bin/env bash
# Installs libedgefn into a private prefix the way a user would (meson setup --prefix,
# meson install), checks what was installed, then builds examples/hello against it with
# its Makefile — pkg-config alone supplies the flags — and runs it, and builds the nginx
# module against it the same way (bindings/nginx/build --installed) and has nginx load it.
#
# Usage: tests/pkgconfig/test-install.sh [BUILD_DIR]   (default: build-install)
# The build folder is kept between runs so that only what changed is rebuilt; the prefix
# (BUILD_DIR/prefix) is installed afresh every time. Prints "ok"/"not ok" lines and ends
# with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
builddir=${1:-build-install}
prefix=$repo/$builddir/prefix
work=$repo/$builddir/hello

passed=0
failed=0
ok() {
  passed=$((passed + 1))
  echo "ok     $*"
}
not_ok() {
  failed=$((failed + 1))
  echo "not ok $*"
}
check() { # check DESCRIPTION COMMAND...
  local what="$1"
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}
# The libedgefn that ELF file $1 names as needed (its DT_NEEDED entry).
needed_libedgefn() {
  readelf -d "$1" | sed -n 's/.*Shared library: \[\(libedgefn[^]]*\)\].*/\1/p'
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

# ---- configure, build and install into the prefix ----
opts=(--prefix="$prefix" --libdir=lib -Dtests=false -Dgateway=disabled -Dwerror=true)
if [ -f "$builddir/meson-private/coredata.dat" ]; then
  setup=(meson setup --reconfigure "$builddir" "${opts[@]}")
else
  setup=(meson setup "$builddir" "${opts[@]}")
fi
if "${setup[@]}"; then
  ok "meson setup --prefix=$prefix"
else
  not_ok "meson setup"
  finish
fi
rm -rf "$prefix"
if meson install -C "$builddir" --quiet; then
  ok "meson install"
else
  not_ok "meson install"
  finish
fi

# ---- what was installed ----
lib=$prefix/lib
check "header include/edgefn/edgefn.h" test -f "$prefix/include/edgefn/edgefn.h"
check "generated header include/edgefn/version.h" test -f "$prefix/include/edgefn/version.h"
for h in "$repo"/include/edgefn/*.h; do
  [ -f "$prefix/include/edgefn/$(basename "$h")" ] || not_ok "header $(basename "$h") installed"
done
check "static library lib/libedgefn.a" test -f "$lib/libedgefn.a"
check "shared library lib/libedgefn.so.1" test -e "$lib/libedgefn.so.1"
check "development link lib/libedgefn.so" test -e "$lib/libedgefn.so"
check "pkg-config file lib/pkgconfig/edgefn.pc" test -f "$lib/pkgconfig/edgefn.pc"

soname=$(readelf -d "$lib/libedgefn.so" 2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
check "SONAME is libedgefn.so.1 (got '$soname')" test "$soname" = "libedgefn.so.1"

# Only edgefn_* symbols are exported, plus the version-script nodes (EDGEFN_x.y).
exported=$(nm -D --defined-only "$lib/libedgefn.so" | awk '{print $NF}' | sed 's/@.*//')
stray=$(printf '%s\n' "$exported" | grep -Ev '^(edgefn_[A-Za-z0-9_]+|EDGEFN_[0-9][0-9.]*)$' || true)
if [ -z "$stray" ] && printf '%s\n' "$exported" | grep -q '^edgefn_version$'; then
  ok "nm -D exports only edgefn_* ($(printf '%s\n' "$exported" | grep -c '^edgefn_') symbols)"
else
  not_ok "nm -D exports only edgefn_*; stray: $(echo $stray)"
fi
# Duktape is compiled in and mbedTLS linked in statically; both must stay hidden.
if nm -D --defined-only "$lib/libedgefn.so" | grep -Eq ' (duk_|mbedtls_)'; then
  not_ok "no duk_* or mbedtls_* symbols defined in the dynamic table"
else
  ok "no duk_* or mbedtls_* symbols defined in the dynamic table"
fi
if nm -D "$lib/libedgefn.so" | grep -Eq ' (duk_|mbedtls_)'; then
  not_ok "no duk_* or mbedtls_* symbols imported either (both are linked in and hidden)"
else
  ok "no duk_* or mbedtls_* symbols imported either (both are linked in and hidden)"
fi

# ---- the hello example, built with pkg-config alone ----
export PKG_CONFIG_PATH=$lib/pkgconfig
check "pkg-config finds edgefn $(pkg-config --modversion edgefn 2>/dev/null || true)" \
  pkg-config --exists edgefn
cflags=$(pkg-config --cflags edgefn 2>/dev/null || true)
check "pkg-config --cflags points into the prefix ($cflags)" \
  grep -q -- "-I$prefix/include" <<<"$cflags"
rm -rf "$work"
mkdir -p "$work"
if make -C "$work" -f "$repo/examples/hello/Makefile" CFLAGS="-O2 -Wall -Wextra -Werror"; then
  ok "examples/hello builds with its Makefile against the installed library"
else
  not_ok "examples/hello builds with its Makefile against the installed library"
  finish
fi
needed=$(needed_libedgefn "$work/edgefn-hello")
check "edgefn-hello links libedgefn.so.1 (got '$needed')" test "$needed" = "libedgefn.so.1"

set +e
out=$(LD_LIBRARY_PATH=$lib "$work/edgefn-hello" 2>&1)
rc=$?
set -e
printf '%s\n' "$out" | sed 's/^/    /'
check "edgefn-hello exits 0" test "$rc" -eq 0
check "edgefn-hello reports the installed library's version" \
  grep -qx "libedgefn $(pkg-config --modversion edgefn)" <<<"$out"
check "GET answered by the function" grep -qx '  body: hello GET https://example.com/' <<<"$out"
check "POST answered by the function" \
  grep -qx '  body: hello POST https://example.com/api/items?source=hello' <<<"$out"
check "DELETE answered by the function" \
  grep -qx '  body: hello DELETE https://example.com/api/items/7' <<<"$out"
check "content-type header from the function" grep -qix '  content-type: text/plain' <<<"$out"
check "all three responses 200" grep -qx '3 of 3 responses OK' <<<"$out"

# ---- the nginx module, built with pkg-config alone, loaded by nginx ----
ngx=$repo/$builddir/nginx
rm -rf "$ngx"
mkdir -p "$ngx"
if module=$(bindings/nginx/build --installed "$ngx/module"); then
  ok "the nginx module builds against the installed library (bindings/nginx/build --installed)"
  needed=$(needed_libedgefn "$module")
  check "the module links libedgefn.so.1 (got '$needed')" test "$needed" = "libedgefn.so.1"
  check "the module's rpath is the prefix's lib folder" \
    grep -qF "path: [$lib]" <(readelf -d "$module")
  cat >"$ngx/hello.js" <<'JS'
addEventListener('fetch', function (event) { event.respondWith(new Response('hi')); });
JS
  cat >"$ngx/nginx.conf" <<CONF
load_module $module;
error_log $ngx/error.log;
pid $ngx/nginx.pid;
events {}
http {
  edgefn_function hello $ngx/hello.js;
  server { listen 127.0.0.1:1; location / { edgefn_pass; } }
}
CONF
  if nginx -t -p "$ngx" -c "$ngx/nginx.conf" >"$ngx/t.log" 2>&1; then
    ok "nginx -t loads the module and compiles a function with the installed library"
  else
    sed 's/^/    /' "$ngx/t.log"
    not_ok "nginx -t loads the module and compiles a function with the installed library"
  fi
else
  not_ok "the nginx module builds against the installed library (bindings/nginx/build --installed)"
fi
finish
