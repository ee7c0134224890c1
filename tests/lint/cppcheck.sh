#!/usr/bin/env bash
# Static analysis of the library and the gateway with cppcheck (Debian's package). Any
# finding fails the stage. Duktape's own headers are left out: cppcheck cannot evaluate
# Debian's duk_config.h, and Duktape is not our code.
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
if cppcheck -q --enable=warning,performance,portability --error-exitcode=1 --inline-suppr \
    --std=c11 -I include -I lib -I "$build/include" \
    --suppress=missingIncludeSystem --suppress=missingInclude -DEDGEFN_API= \
    lib/core lib/loop lib/compiler lib/js lib/fetch lib/rules lib/edge lib/cache lib/kv examples/gateway examples/hello; then
  echo "ok - cppcheck: no findings"
  echo "1 passed, 0 failed"
else
  echo "not ok - cppcheck reported findings (above)"
  echo "0 passed, 1 failed"
  exit 1
fi
