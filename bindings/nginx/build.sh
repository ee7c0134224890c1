#!/usr/bin/env bash
# Builds the nginx dynamic module against Debian's nginx-dev (the nginx source headers and
# configure script in /usr/share/nginx/src) with the configure flags Debian's nginx was built
# with, so the module loads into /usr/sbin/nginx.
#   bindings/nginx/build.sh OUT_DIR             against the installed libedgefn (pkg-config)
#   bindings/nginx/build.sh OUT_DIR BUILD_DIR   against a meson build folder of this tree
# OUT_DIR receives ngx_http_edgefn_module.so; the library's folder is its rpath.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
src=/usr/share/nginx/src
[ -f "$src/conf_flags" ] || { echo "nginx-dev is not installed (apt-get install nginx-dev)" >&2; exit 1; }
# shellcheck disable=SC1091
. "$src/conf_flags"
work="$out/nginx-build"
rm -rf "$work"
cp -r "$src" "$work"
if [ -n "${2:-}" ]; then
  build=$(cd "$2" && pwd)
  cflags="-I$here/../../include -I$build/include"
  libdir="$build/lib"
  EDGEFN_LIBS="-L$libdir -ledgefn"
else
  cflags=$(pkg-config --cflags edgefn)
  libdir=$(pkg-config --variable=libdir edgefn)
  EDGEFN_LIBS=$(pkg-config --libs edgefn)
fi
export EDGEFN_LIBS="$EDGEFN_LIBS -Wl,-rpath,$libdir"
cd "$work"
./configure "${NGX_CONF_FLAGS[@]}" --with-cc-opt="$cflags -fPIC -O2 -g" \
  --add-dynamic-module="$here" > "$out/configure.log" 2>&1 || { cat "$out/configure.log" >&2; exit 1; }
make -f objs/Makefile modules > "$out/make.log" 2>&1 || { cat "$out/make.log" >&2; exit 1; }
cp objs/ngx_http_edgefn_module.so "$out/"
echo "built $out/ngx_http_edgefn_module.so"
