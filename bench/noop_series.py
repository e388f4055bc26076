#!/usr/bin/env python3
"""The CPU of many no-op passes after a file change, in order, to show how much of bench.py's figure is the JIT.

    bench/noop_series.py [--n 50] [--passes 80] [--jar target/quarkus-app/quarkus-run.jar]

bench.py's "no-op pass after a file change" is the median of 7 passes right after a cold converge and one change,
so it depends on how many passes ran before it: code that has run less is still interpreted or compiled by C1 only.
This starts hostlet (as bench.py does: deploy/jvm.options and the class-data archive next to the jar), converges N
containers, then samples PASSES no-op passes after a file change the way bench.py samples its 7, and prints each
one's `lastPass.cpuMillis` with its pass number, and the medians of the first 7, of 7 after 20 and of the last 20.
Run it for two jars to compare their steady state. Needs what bench/run.sh needs; everything it makes carries its
own run id and is removed at the end, also on failure.
"""
import argparse
import pathlib
import shutil
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import bench as b  # noqa: E402  (the benchmark's engine client, hostlet process and folder handling)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50, help="containers to converge first (default 50)")
    ap.add_argument("--passes", type=int, default=80, help="no-op passes to time (default 80)")
    ap.add_argument("--jar", default=str(b.REPO / "target/quarkus-app/quarkus-run.jar"))
    args = ap.parse_args()
    docker = b.Docker(b.docker_socket())
    label = f"io.hostlet.instance={b.INSTANCE}"
    root = pathlib.Path(tempfile.mkdtemp(prefix="hostlet-noop-series-"))
    folder = b.Folder(root)
    h = b.Hostlet(args.jar, folder.dir, pathlib.Path(tempfile.gettempdir()) / f"hostlet-noop-series-{b.RUN_ID}.log")
    try:
        h.start()
        for name in b.names_for("ns", args.n):
            folder.put(name)
        b.wait_until("converged", lambda: docker.running_count(label) == args.n, 300, 0.2)
        b.wait_until("status converged", lambda: h.status().get("converged"), 60, 0.1)
        passes = (b.noop_after_file_change(h, folder, wanted=args.passes) or {}).get("raw", [])
        if not passes:
            raise SystemExit("no no-op pass after a file change was seen; see the hostlet log")
        series = [(p.get("number"), p["cpuMillis"]) for p in passes]
        cpu = [c for _, c in series]
        print(f"n={args.n}: {len(series)} no-op passes after a file change, numbers {series[0][0]} to {series[-1][0]}")
        print("CPU ms, median of the first 7 {:.2f}, of 7 after 20 {:.2f}, of the last 20 {:.2f}".format(
            b.median(cpu[:7]), b.median(cpu[20:27]), b.median(cpu[-20:])))
        print("CPU ms in order:", ", ".join(f"{c:.1f}" for c in cpu))
    finally:
        h.stop()
        docker.remove_labelled(label)
        folder.clear()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
