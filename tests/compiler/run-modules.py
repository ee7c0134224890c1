#!/usr/bin/env python3
"""Differential test of imports between the files of a bundle: each case is a folder of .mjs
files whose entry is main.mjs. Node runs `node main.mjs` (the reference; its stdout is stored
as NAME.expected so the suite runs without Node too, and is rechecked when Node is there);
edgefn-js runs main.mjs with the folder's other files as the bundle's modules. The stdout of
both must be identical.

A case with an `expect-error` file must fail in both: its first line must appear in both
stderrs (Node's message), its second line, when present, in edgefn-js's (the location
libedgefn reports, file:line:column).

usage: run-modules.py EDGEFN_JS CASES_DIR [--regen] [NAME-SUBSTRING...]
"""
import os
import subprocess
import sys

import node_oracle


def run(cmd, cwd):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=20, cwd=cwd)
    except subprocess.TimeoutExpired:
        return None, "<timeout>", -1
    return (p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"),
            p.returncode)


def case_files(d):
    out = []
    for root, _, files in os.walk(d):
        for f in files:
            if f.endswith(".mjs"):
                out.append(os.path.relpath(os.path.join(root, f), d))
    return sorted(out)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    regen = "--regen" in sys.argv
    if len(args) < 2:
        print(__doc__)
        return 2
    edgefn_js, cases = os.path.abspath(args[0]), args[1]
    only = args[2:]
    node = node_oracle.find()
    names = sorted(n for n in os.listdir(cases) if os.path.isdir(os.path.join(cases, n)))
    if only:
        names = [n for n in names if any(o in n for o in only)]
    passed = failed = 0
    for name in names:
        d = os.path.join(cases, name)
        exp_path = d + ".expected"
        err_path = os.path.join(d, "expect-error")
        want_err = None
        if os.path.exists(err_path):
            with open(err_path, encoding="utf-8") as f:
                want_err = f.read().splitlines()
        expected = None
        if node:
            out, err, rc = run([node, "main.mjs"], d)
            if want_err and (rc == 0 or want_err[0] not in err):
                print(f"FAIL {name}: Node did not fail with {want_err[0]!r}: {err[-300:]}")
                failed += 1
                continue
            expected = out
            if regen or not os.path.exists(exp_path):
                with open(exp_path, "w", encoding="utf-8") as f:
                    f.write(expected or "")
        if os.path.exists(exp_path):
            with open(exp_path, encoding="utf-8") as f:
                stored = f.read()
            if expected is not None and expected != stored:
                print(f"FAIL {name}: Node's output differs from {os.path.basename(exp_path)}")
                failed += 1
                continue
            expected = stored
        if expected is None:
            print(f"FAIL {name}: no Node and no stored output")
            failed += 1
            continue
        others = [f for f in case_files(d) if f != "main.mjs"]
        got, err, rc = run([edgefn_js, "main.mjs"] + others, d)
        problem = None
        if want_err:
            if rc == 0:
                problem = "edgefn-js succeeded"
            else:
                for w in want_err:
                    if w and w not in err:
                        problem = f"stderr lacks {w!r}: {err.strip()[-300:]}"
                        break
        elif rc != 0:
            problem = f"edgefn-js failed: {err.strip()[-300:]}"
        if problem is None and got != expected:
            exp_lines, got_lines = expected.splitlines(), (got or "").splitlines()
            for i in range(max(len(exp_lines), len(got_lines))):
                e = exp_lines[i] if i < len(exp_lines) else "<none>"
                g = got_lines[i] if i < len(got_lines) else "<none>"
                if e != g:
                    problem = f"line {i + 1}:\n    node:    {e}\n    edgefn:  {g}"
                    break
        if problem is None:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name}: {problem}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
