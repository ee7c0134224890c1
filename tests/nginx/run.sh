#!/usr/bin/env bash
# Builds the nginx module against build folder $1 (default: build) and runs its integration
# test with Debian's nginx. Ends with the test's "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/../.."
module=$(bindings/nginx/build "${1:-build}")
exec python3 tests/nginx/test-nginx.py "$module"
