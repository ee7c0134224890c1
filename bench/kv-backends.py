#!/usr/bin/env python3
"""KV round trips through a function, per backend: each request runs `KV.get` then `KV.put`
on the same runtime, driven through the Python binding, one request at a time (so the figure
is latency, not throughput under concurrency). Prints requests/s and µs per request for the
memory, SQLite (a file in /tmp) and Redis (a redis-server started on a free loopback port)
stores, median of rounds.

    EDGEFN_LIBRARY=build-release/lib/libedgefn.so bench/kv-backends.py [REQUESTS] [ROUNDS]
"""
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bindings",
                                "python"))
import edgefn  # noqa: E402

SRC = """addEventListener('fetch', function (e) {
  e.respondWith(KV.get('counter').then(function (v) {
    var n = (v === null ? 0 : Number(v)) + 1;
    return KV.put('counter', String(n), {metadata: {at: n}}).then(function () {
      return new Response(String(n)); }); })); });"""


def measure(loop, kv, n, rounds):
    script = edgefn.Script(SRC)
    per = []
    with edgefn.Runtime(loop, script, kv={"KV": kv}) as rt:
        rt.fetch("https://x/")
        for _ in range(rounds):
            t = time.perf_counter()
            for _ in range(n):
                rt.fetch("https://x/")
            per.append((time.perf_counter() - t) / n)
    return statistics.median(per)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    loop = edgefn.Loop()
    results = {}
    kv = edgefn.KV.memory()
    results["memory"] = measure(loop, kv, n, rounds)
    kv.close()
    with tempfile.TemporaryDirectory() as d:
        kv = edgefn.KV.sqlite(loop, os.path.join(d, "kv.db"))
        results["sqlite (worker thread)"] = measure(loop, kv, n, rounds)
        kv.close()
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    srv = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                            "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.02)
        kv = edgefn.KV.redis(loop, port=port)
        results["redis (loopback)"] = measure(loop, kv, n, rounds)
        kv.close()
    finally:
        srv.terminate()
        srv.wait()
    loop.close()
    base = results["memory"]
    for name, sec in results.items():
        print(f"{name:24s} {1 / sec:9.0f} requests/s  {sec * 1e6:8.1f} us/request  "
              f"({sec / base:.1f}x memory)")


if __name__ == "__main__":
    main()
