#!/usr/bin/env python3
"""How an update of a web container looks to its clients: StartFirst against StopFirst. Not a test: it measures.

Run it through bench/rollout.sh (which builds the jar if it is missing). For each strategy it starts hostlet
on a folder holding one web container (busybox httpd behind an HTTP health check, on a network of its own),
starts a client container on that network that requests http://<name>:8080/ in a tight loop, changes the
manifest (its GEN env, which the page shows), and waits until the update has settled: one container for the
name, running the new spec, and the client has seen the new page a few hundred times. The client's own
output, timestamped by the engine, is the evidence: every request is one line, "ok genN" or "fail".

Reported per strategy and repeat: requests, failed requests, the longest stretch without an answer, and the
time from writing the manifest to the first answer from the new container.

Everything it creates carries the run's id (hostlet instance bench-<id>, client label io.hostlet.bench=<id>)
and is removed on exit, on failure and on Ctrl-C.
"""

import argparse
import atexit
import datetime
import json
import os
import signal
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import bench
from bench import CLEANUP, FLOOR_LABEL, IMAGE, INSTANCE, REPO, RUN_ID, Docker, Hostlet, docker_socket, log, \
    wait_until

PORT = 8080
# The server exits on SIGTERM at once (a shell as PID 1 ignores it otherwise and every stop would wait out the
# grace period, which would bill StopFirst for a slow server rather than for the strategy).
SERVER = ("mkdir -p /tmp/www && echo gen$GEN > /tmp/www/index.html && "
          f"trap 'exit 0' TERM; httpd -f -p {PORT} -h /tmp/www & wait $!")
# One line per request. busybox wget gets a 2 s limit from `timeout` (its own -T crashes this busybox).
CLIENT = ("while :; do if b=$(busybox timeout 2 wget -q -O - http://{name}:%d/ 2>/dev/null); "
          "then echo \"ok $b\"; else echo fail; fi; done" % PORT)
AFTER = 300   # answers from the new container to see before calling an update settled


def web_manifest(name, net, gen, strategy):
    update = "" if strategy == "none" else f"  update: {{strategy: {strategy}, minReady: 2s}}\n"
    return (
        "apiVersion: hostlet.io/v1\n"
        "kind: Container\n"
        f"metadata: {{name: {name}}}\n"
        "spec:\n"
        f"  image: {IMAGE}\n"
        "  imagePullPolicy: IfNotPresent\n"
        '  command: ["/bin/sh", "-c"]\n'
        f"  args: [{json.dumps(SERVER)}]\n"
        f'  env: [{{name: GEN, value: "{gen}"}}]\n'
        f"  networks: [{net}]\n"
        f"  healthcheck: {{http: {{port: {PORT}, path: /index.html}}, interval: 1s, timeout: 1s, retries: 2}}\n"
        "  stopGracePeriod: 5s\n"
        f"{update}"
    )


def write_atomically(folder, name, text):
    stage = folder.parent / f".{name}.yaml.tmp"
    stage.write_text(text, encoding="utf-8")
    os.rename(stage, folder / f"{name}.yaml")


def client_lines(docker, cid):
    """The client's output as (unix time, text) pairs; the engine stamps each line as it was written."""
    status, raw = docker.call("GET", f"/containers/{cid}/logs?stdout=1&stderr=1&timestamps=1", parse=False)
    out = []
    for line in raw.decode("utf-8", "replace").splitlines():
        stamp, _, text = line.strip().partition(" ")
        if not stamp:
            continue
        # RFC 3339 with nanoseconds: keep microseconds for datetime.
        day, _, frac = stamp.rstrip("Z").partition(".")
        t = datetime.datetime.fromisoformat(day).replace(tzinfo=datetime.timezone.utc).timestamp()
        out.append((t + float("0." + (frac or "0")), text.strip()))
    return out


def start_client(docker, name, net):
    body = {"Image": IMAGE, "Cmd": ["/bin/sh", "-c", CLIENT.format(name=name)], "Tty": True,
            "Labels": {FLOOR_LABEL.split("=")[0]: RUN_ID},
            "HostConfig": {"NetworkMode": net}}
    status, created = docker.call("POST", f"/containers/create?name=rollclient-{RUN_ID}-{int(time.time())}", body)
    if status >= 300:
        raise RuntimeError(f"client create: {status} {created}")
    docker.call("POST", f"/containers/{created['Id']}/start")
    return created["Id"]


def live_for(docker, name):
    """The running containers of this run's hostlet whose manifest is name (the swap's second one included)."""
    return [c for c in docker.ps(labels=[f"io.hostlet.instance={INSTANCE}"], running_only=True)
            if c["Labels"].get("io.hostlet.name") == name]


def one_update(ctx, strategy, repeat):
    docker, folder = ctx["docker"], ctx["folder"]
    name, net = f"rweb{RUN_ID}{repeat}{strategy[:5].lower()}", f"rnet{RUN_ID}"
    write_atomically(folder, name, web_manifest(name, net, 1, strategy))
    h = Hostlet(ctx["jar"], folder, ctx["logdir"] / f"hostlet-{strategy}-{repeat}.log")
    ctx["logs"].append(h.log_path)
    client = None
    try:
        h.start()

        def serving(gen):
            lines = client_lines(docker, client) if client else []
            return sum(1 for _, text in lines if text == f"ok gen{gen}")

        def healthy():
            for c in h.status().get("containers", []):
                if c.get("name") == name:
                    return c.get("phase") == "Running" and c.get("health") in ("healthy", "Healthy")
            return False
        wait_until(f"{name} healthy", healthy, 60, 0.1)
        client = start_client(docker, name, net)
        wait_until("client sees gen1", lambda: serving(1) >= 20, 30, 0.1)

        t0 = time.time()
        write_atomically(folder, name, web_manifest(name, net, 2, strategy))

        def settled():
            live = live_for(docker, name)
            return len(live) == 1 and live[0]["Names"][0] == f"/{name}" and serving(2) >= AFTER
        wait_until(f"{name} updated and settled", settled, 120, 0.2)
        docker.call("POST", f"/containers/{client}/kill")
        lines = [(t, text) for t, text in client_lines(docker, client) if t >= t0]
        fails = [t for t, text in lines if text == "fail"]
        first_new = min((t for t, text in lines if text == "ok gen2"), default=None)
        # The longest stretch with no answer: from the last answer before a run of failures to the next answer.
        gap, last_ok = 0.0, t0
        for t, text in lines:
            if text.startswith("ok "):
                gap = max(gap, t - last_ok)
                last_ok = t
        return {"strategy": strategy, "repeat": repeat + 1, "requests": len(lines), "failed": len(fails),
                "longest_gap_ms": round(gap * 1000), "new_serving_ms": None if first_new is None
                else round((first_new - t0) * 1000)}
    finally:
        if client:
            docker.remove(client)
        h.stop()
        (folder / f"{name}.yaml").unlink(missing_ok=True)
        bench_remove_owned(docker)


def bench_remove_owned(docker):
    """hostlet is stopped: removes its containers and networks of this run (by the run's instance label)."""
    docker.remove_labelled(f"io.hostlet.instance={INSTANCE}")
    q = urllib.parse.urlencode({"filters": json.dumps({"label": [f"io.hostlet.instance={INSTANCE}"]})})
    for n in docker.call("GET", f"/networks?{q}")[1] or []:
        docker.call("DELETE", f"/networks/{n['Id']}")


def report(rows, machine):
    out = [f"# Rollout benchmark, {datetime.date.today().isoformat()}", "",
           f"hostlet {machine['commit']}, {machine['engine']}, {machine['nproc']} cores. One web container "
           "(busybox httpd, HTTP health check every 1 s, minReady 2 s, stop grace 5 s); one client container on the "
           "same network requesting `http://<name>:8080/` in a loop (busybox wget, 2 s limit per request); the "
           "manifest's env changes once. Counted from the manifest write until the name has one running container "
           f"with the new spec and the client has had {AFTER} answers from it. `none` = no `update` block (the "
           "default strategy).", "",
           "| strategy | repeat | requests | failed | longest gap without an answer | change → new container answers |",
           "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        if "error" in r:
            out.append(f"| {r['strategy']} | {r['repeat']} | failed: {r['error']} | | | |")
            continue
        new = "—" if r["new_serving_ms"] is None else f"{r['new_serving_ms']:,} ms"
        out.append(f"| {r['strategy']} | {r['repeat']} | {r['requests']:,} | {r['failed']:,} | "
                   f"{r['longest_gap_ms']:,} ms | {new} |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description="StartFirst vs StopFirst as a client sees it")
    ap.add_argument("--jar", default=str(REPO / "target/quarkus-app/quarkus-run.jar"))
    ap.add_argument("--strategies", default="StartFirst,StopFirst", help="comma-separated; `none` = no update block")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--results", default=None, help="default bench/results/<date>-rollout.md")
    args = ap.parse_args()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, bench.on_signal)
    atexit.register(CLEANUP.run)
    docker = Docker(docker_socket())
    CLEANUP.docker = docker
    tmp = Path(tempfile.mkdtemp(prefix=f"hostlet-rollout-{RUN_ID}-"))
    CLEANUP.dirs.append(tmp)
    folder = tmp / "manifests"
    folder.mkdir()
    logdir = Path(tempfile.gettempdir()) / f"hostlet-rollout-{RUN_ID}-logs"   # kept: evidence
    logdir.mkdir()
    app = bench.snapshot(Path(args.jar).resolve().parent, tmp / "app")
    ctx = {"docker": docker, "folder": folder, "jar": app / Path(args.jar).name, "logdir": logdir, "logs": []}
    machine = bench.machine_info(docker)
    rows = []
    try:
        for r in range(args.repeat):
            for strategy in [s.strip() for s in args.strategies.split(",") if s.strip()]:
                log(f"{strategy}, repeat {r + 1}/{args.repeat}")
                try:
                    rows.append(one_update(ctx, strategy, r))
                    log(f"  {rows[-1]}")
                except (bench.Timeout, RuntimeError, OSError, KeyError, ValueError) as e:
                    log(f"  failed: {type(e).__name__}: {e}")
                    rows.append({"strategy": strategy, "repeat": r + 1, "error": f"{type(e).__name__}: {e}"})
    finally:
        try:
            bench_remove_owned(docker)
        finally:
            CLEANUP.run()
    text = report(rows, machine)
    out = Path(args.results) if args.results else \
        REPO / "bench/results" / f"{datetime.date.today().isoformat()}-rollout.md"
    out.write_text(text, encoding="utf-8")
    print(text)
    print(f"written: {out}; hostlet logs in {logdir}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt as e:
        log(f"interrupted ({e}); cleaned up")
        sys.exit(130)
