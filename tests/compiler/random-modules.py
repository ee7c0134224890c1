#!/usr/bin/env python3
"""Random differential test of module evaluation order (top-level await): builds random
graphs of up to seven .mjs files (imports, optionally cycles; top-level await of microtasks
and timers, for await, queued microtasks, async calls) and compares what Node and edgefn-js
print. Not a meson test: Node's own output can differ between runs when timers of different
files race (two runs of Node disagree then too); rerun a reported seed to check.

usage: random-modules.py EDGEFN_JS [COUNT] [FIRST_SEED] [--cycles]
Failing cases are kept under /tmp/edgefn-random-modules/SEED.
"""
import os
import random
import shutil
import subprocess
import sys

EJ = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else sys.exit(__doc__)
ARGS = [a for a in sys.argv[2:] if not a.startswith("--")]
CYCLES = "--cycles" in sys.argv
OUT = "/tmp/edgefn-random-modules"


def gen(seed, d):
    r = random.Random(seed)
    n = r.randint(2, 7)
    if os.path.exists(d): shutil.rmtree(d)
    os.makedirs(d)
    names = ['main.mjs'] + [f'm{i}.mjs' for i in range(1, n)]
    for i, name in enumerate(names):
        lines = []
        # later files only (a DAG), and with --cycles some earlier ones too
        deps = [j for j in range(i + 1, n) if r.random() < 0.45]
        if CYCLES:
            deps += [j for j in range(1, i) if r.random() < 0.2]
        r.shuffle(deps)
        for j in deps:
            lines.append(f"import './{names[j]}';")
        tag = name[:-4]
        lines.append(f"console.log('{tag} start');")
        for k in range(r.randint(0, 3)):
            c = r.random()
            if c < 0.3:
                lines.append(f"Promise.resolve().then(() => console.log('{tag} mt{k}')).then(() => console.log('{tag} mt{k}b'));")
            elif c < 0.5:
                lines.append("await null;")
                lines.append(f"console.log('{tag} after await {k}');")
            elif c < 0.6:
                lines.append(f"await new Promise(res => setTimeout(res, {r.randint(0, 3)}));")
                lines.append(f"console.log('{tag} after timer {k}');")
            elif c < 0.7:
                lines.append(f"queueMicrotask(() => console.log('{tag} qm{k}'));")
            elif c < 0.8:
                lines.append(f"await Promise.resolve().then(() => console.log('{tag} inner{k}'));")
            elif c < 0.9:
                lines.append(f"for await (const x of [1, Promise.resolve(2)]) console.log('{tag} fa', x);")
            else:
                lines.append(f"(async () => {{ await null; console.log('{tag} async fn {k}'); }})();")
        lines.append(f"console.log('{tag} end');")
        with open(os.path.join(d, name), 'w') as f:
            f.write('\n'.join(lines) + '\n')
    return names


bad = 0
N = int(ARGS[0]) if ARGS else 100
FIRST = int(ARGS[1]) if len(ARGS) > 1 else 0
for seed in range(FIRST, FIRST + N):
    d = os.path.join(OUT, 'case')
    names = gen(seed, d)
    a = subprocess.run(['node', 'main.mjs'], cwd=d, capture_output=True, text=True, timeout=20)
    b = subprocess.run([EJ, 'main.mjs'] + names[1:], cwd=d, capture_output=True, text=True, timeout=20)
    if a.stdout != b.stdout or b.returncode != 0:
        bad += 1
        print('seed', seed, 'differs', b.returncode, b.stderr[:200])
        shutil.copytree(d, os.path.join(OUT, str(seed)), dirs_exist_ok=True)
print(N, 'graphs,', bad, 'differ')
sys.exit(1 if bad else 0)
