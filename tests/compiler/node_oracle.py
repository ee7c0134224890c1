"""The Node.js the differential runners compare with (tests/compiler/run-*.py).

The stored outputs (NAME.expected) come from Node 20. An older Node (Debian 12 ships 18)
lacks ES2023+ built-ins the corpus uses and would disagree for that reason alone, so it is
not used as the oracle: the runners then check against the stored outputs only, and say so.
A program that needs a newer Node still (ES2024+ built-ins Node 20 lacks) says so on its first
line, `// node >= 22` (or 24 for URLPattern); its stored output comes from that version,
and an older Node is not asked about it.
"""
import re
import shutil
import subprocess

REFERENCE_MAJOR = 20


def major(node):
    """The major version of the Node at `node` (0 when it does not answer)."""
    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True,
                                 timeout=20).stdout.strip()
        return int(version.lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return 0


def needs(path):
    """The Node major version a program's first line asks for (`// node >= N`), or 0."""
    with open(path, encoding="utf-8") as f:
        m = re.match(r"//\s*node\s*>=\s*(\d+)", f.readline())
    return int(m.group(1)) if m else 0


def find():
    """The path of a Node at least REFERENCE_MAJOR, or None (with a note on stdout)."""
    node = shutil.which("node")
    if not node:
        return None
    try:
        version = subprocess.run([node, "--version"], capture_output=True, text=True,
                                 timeout=20).stdout.strip()
        major = int(version.lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        print("note: `node --version` did not answer; using the stored outputs only")
        return None
    if major < REFERENCE_MAJOR:
        print(f"note: Node {version} is older than {REFERENCE_MAJOR}, the version the stored "
              f"outputs come from; using the stored outputs only")
        return None
    return node
