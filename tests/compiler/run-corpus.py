#!/usr/bin/env python3
"""Differential test of the ES2022 compiler: every program in the corpus runs under
libedgefn (edgefn-js) and its console output must equal Node's, line for line, including
the order in which microtasks print. Node's output is stored next to each program
(NAME.expected) so the suite also runs where Node is missing; with Node installed the stored
output is checked against a fresh Node run too (--regen rewrites the stored files).

usage: run-corpus.py EDGEFN_JS CORPUS_DIR [--regen] [NAME-SUBSTRING...]
"""
import os
import subprocess
import sys

import node_oracle


def run(cmd, path):
    try:
        p = subprocess.run(cmd + [path], capture_output=True, timeout=20)
    except subprocess.TimeoutExpired:
        return None
    return p.stdout.decode("utf-8", "replace")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    regen = "--regen" in sys.argv
    if len(args) < 2:
        print(__doc__)
        return 2
    edgefn_js, corpus = args[0], args[1]
    only = args[2:]
    node = node_oracle.find()
    node_major = node_oracle.major(node) if node else 0
    names = sorted(n for n in os.listdir(corpus) if n.endswith(".js"))
    if only:
        names = [n for n in names if any(o in n for o in only)]
    passed = failed = 0
    for name in names:
        path = os.path.join(corpus, name)
        exp_path = path[:-3] + ".expected"
        expected = None
        if node and node_oracle.needs(path) <= node_major:
            expected = run([node], path)
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
        got = run([edgefn_js], path)
        if got == expected:
            passed += 1
            continue
        failed += 1
        print(f"FAIL {name}")
        exp_lines, got_lines = expected.splitlines(), (got or "<timeout>").splitlines()
        for i in range(max(len(exp_lines), len(got_lines))):
            e = exp_lines[i] if i < len(exp_lines) else "<none>"
            g = got_lines[i] if i < len(got_lines) else "<none>"
            if e != g:
                print(f"  line {i + 1}:\n    node:    {e}\n    edgefn:  {g}")
                break
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
