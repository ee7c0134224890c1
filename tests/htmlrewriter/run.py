#!/usr/bin/env python3
"""HTMLRewriter against lol-html: every case in CASES_DIR (a script printing with
console.log, run after the helpers of prelude.js) runs under libedgefn (edgefn-js) and its
output must equal NAME.expected, the output of the same script under Node with lol-html's
HTMLRewriter (tests/htmlrewriter/oracle.mjs). --regen rewrites the expected files with the oracle (needs Node and the npm
packages named in oracle.mjs, found through $HTMLREWRITER_ORACLE, default /tmp/hro).

usage: run.py EDGEFN_JS CASES_DIR [--regen] [NAME-SUBSTRING...]
"""
import difflib
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, timeout=60):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return p.stdout.decode("utf-8", "replace")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    regen = "--regen" in sys.argv
    if len(args) < 2:
        print(__doc__)
        return 2
    edgefn_js, cases = args[0], args[1]
    only = args[2:]
    names = sorted(n for n in os.listdir(cases) if n.endswith(".js"))
    if only:
        names = [n for n in names if any(o in n for o in only)]
    with open(os.path.join(HERE, "prelude.js"), encoding="utf-8") as f:
        prelude = f.read()
    scratch = tempfile.TemporaryDirectory()
    passed = failed = 0
    for name in names:
        exp_path = os.path.join(cases, name)[:-3] + ".expected"
        with open(os.path.join(cases, name), encoding="utf-8") as f:
            source = prelude + f.read()
        path = os.path.join(scratch.name, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(source)
        if regen:
            out = run(["node", os.path.join(HERE, "oracle.mjs"), path])
            if out is None:
                print(f"FAIL {name}: the oracle timed out")
                failed += 1
                continue
            with open(exp_path, "w", encoding="utf-8") as f:
                f.write(out)
        if not os.path.exists(exp_path):
            print(f"FAIL {name}: no {os.path.basename(exp_path)}")
            failed += 1
            continue
        with open(exp_path, encoding="utf-8") as f:
            expected = f.read()
        got = run([edgefn_js, path])
        if got is None:
            print(f"FAIL {name}: timed out")
            failed += 1
            continue
        if got != expected:
            el, gl = expected.splitlines(), got.splitlines()
            diff = next((d for d in difflib.unified_diff(el, gl, "expected", "got", n=0, lineterm="")
                         if d[:1] in "+-" and d[:3] not in ("---", "+++")), "(line endings)")
            print(f"FAIL {name}: {diff[:300]}")
            failed += 1
            continue
        passed += 1
    scratch.cleanup()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
