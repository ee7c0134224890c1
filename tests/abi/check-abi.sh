#!/usr/bin/env bash
# Compares the ABI of BUILD_DIR/lib/libedgefn.so with the committed baseline
# tests/abi/libedgefn.abi using libabigail's abidiff (Debian: abigail-tools).
#
#   tests/abi/check-abi.sh [BUILD_DIR]            check (default BUILD_DIR: build)
#   tests/abi/check-abi.sh --update [BUILD_DIR]   rewrite the baseline (scripts/update-abi-baseline)
#
# Added functions and variables pass (--no-added-syms). Anything else abidiff reports fails:
# a removed symbol (exit bits ABI_CHANGE|ABI_INCOMPATIBLE_CHANGE = 12), a changed function
# signature or a change to any type an exported function reaches — struct layout, field
# type, enum value (ABI_CHANGE = 4) — and errors (bits 1 and 2). Fields appended to a
# struct_size-versioned struct are compatible by the project's rules but still fail here on
# purpose: review them, then update the baseline (docs/abi.md). The library must be built
# with debug info (the default debugoptimized buildtype has it).
# Prints "ok"/"not ok" lines and ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/../.."

update=0
if [ "${1:-}" = "--update" ]; then
  update=1
  shift
fi
builddir=${1:-build}
lib=$builddir/lib/libedgefn.so
baseline=tests/abi/libedgefn.abi

# The baseline keeps only what the public headers declare and exported functions reach,
# without paths or line numbers, so that it changes only when the ABI does.
abidw_opts=(--headers-dir include/edgefn --drop-private-types --exported-interfaces-only
  --no-corpus-path --no-comp-dir-path --no-show-locs --type-id-style hash)

if [ ! -f "$lib" ]; then
  echo "not ok $lib exists (build it first)"
  echo "0 passed, 1 failed"
  exit 1
fi

if [ "$update" -eq 1 ]; then
  abidw "${abidw_opts[@]}" --out-file "$baseline" "$lib"
  echo "wrote $baseline from $lib ($(grep -c '<elf-symbol ' "$baseline") symbols)"
  exit 0
fi

passed=0
failed=0
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
if [ "$soname" = "libedgefn.so.1" ]; then
  passed=$((passed + 1))
  echo "ok     SONAME is libedgefn.so.1"
else
  failed=$((failed + 1))
  echo "not ok SONAME is libedgefn.so.1 (got '$soname')"
fi

if [ ! -f "$baseline" ]; then
  failed=$((failed + 1))
  echo "not ok $baseline exists (create it with scripts/update-abi-baseline)"
else
  rc=0
  report=$(abidiff --no-added-syms --fail-no-debug-info \
    --suppressions tests/abi/opaque-handles.suppr "$baseline" "$lib" 2>&1) || rc=$?
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))
    echo "ok     abidiff: no removed or changed ABI since $baseline"
  else
    failed=$((failed + 1))
    printf '%s\n' "$report" | sed 's/^/    /'
    what=()
    [ $((rc & 1)) -ne 0 ] && what+=("error")
    [ $((rc & 2)) -ne 0 ] && what+=("usage error")
    [ $((rc & 4)) -ne 0 ] && what+=("ABI change")
    [ $((rc & 8)) -ne 0 ] && what+=("incompatible ABI change")
    echo "not ok abidiff exit $rc ($(IFS=,; echo "${what[*]}")): removed or changed ABI since $baseline;"
    echo "       if the change is deliberate and compatible, run scripts/update-abi-baseline"
  fi
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
