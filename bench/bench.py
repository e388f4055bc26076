#!/usr/bin/env python3
"""hostlet's benchmark against docker-compose and the engine's own floor. Not a test: it measures.

Run it through bench/run.sh, which builds what is missing and passes --jar and --floor-classpath.
What each figure means, and the targets: bench/README.md.

Stdlib only. The Docker engine is spoken to over its unix socket (http.client), hostlet over HTTP on
127.0.0.1 (urllib, proxies off). Everything created carries this run's id -- hostlet's instance label,
the compose project, the floor's label -- and is removed by that id on exit, also on Ctrl-C or failure.
"""

import argparse
import atexit
import datetime
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IMAGE = "hostlet-test/busybox:1"
SCRIPT = "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done"
STOP_GRACE = "2s"
NOOP_SAMPLES = 7
DROPS = 20
DROPS_QUICK = 10
CRASHES = 5
READY_SAMPLES = 3

RUN_ID = uuid.uuid4().hex[:6]
INSTANCE = f"bench-{RUN_ID}"            # hostlet's io.hostlet.instance
PROJECT = f"hostletbench{RUN_ID}"       # docker-compose project
FLOOR_LABEL = f"io.hostlet.bench={RUN_ID}"


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Timeout(Exception):
    pass


def wait_until(what, predicate, timeout_s, poll_s):
    """Polls predicate until it returns something truthy; returns (value, seconds since the call)."""
    t0 = time.monotonic()
    while True:
        v = predicate()
        if v:
            return v, time.monotonic() - t0
        if time.monotonic() - t0 > timeout_s:
            raise Timeout(f"{what}: not within {timeout_s:.0f} s")
        time.sleep(poll_s)


def ms(seconds):
    return seconds * 1000.0


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def percentile(xs, p):
    """Nearest-rank percentile."""
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    k = max(1, int(-(-p * len(xs) // 100)))  # ceil(p/100 * n)
    return xs[min(k, len(xs)) - 1]


# ---------------------------------------------------------------- Docker engine API over the unix socket

class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, socket_path, timeout=120):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = socket_path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


class Docker:
    """The few engine calls the benchmark needs; one keep-alive connection per thread."""

    def __init__(self, socket_path):
        self.socket_path = socket_path
        self.local = threading.local()

    def call(self, method, path, body=None, parse=True):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        for attempt in (1, 2):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = UnixHTTPConnection(self.socket_path)
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                raw = resp.read()
                break
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt == 2:
                    raise
        if resp.status >= 400 and resp.status != 404:
            raise RuntimeError(f"engine: {method} {path} -> {resp.status} {raw[:300]!r}")
        if not parse:
            return resp.status, raw
        payload = json.loads(raw) if raw and "json" in (resp.getheader("Content-Type") or "") else None
        return resp.status, payload

    def version(self):
        return self.call("GET", "/version")[1]

    def ps(self, labels=(), running_only=False, name=None):
        filters = {"label": list(labels)}
        if running_only:
            filters["status"] = ["running"]
        if name:
            filters["name"] = [name]
        q = urllib.parse.urlencode({"all": "0" if running_only else "1", "filters": json.dumps(filters)})
        return self.call("GET", f"/containers/json?{q}")[1]

    def inspect(self, ref):
        status, body = self.call("GET", f"/containers/{urllib.parse.quote(ref)}/json")
        return None if status == 404 else body

    def kill(self, ref):
        self.call("POST", f"/containers/{urllib.parse.quote(ref)}/kill")

    def remove(self, ref):
        self.call("DELETE", f"/containers/{urllib.parse.quote(ref)}?force=1&v=1")

    def remove_labelled(self, label):
        """Force-removes every container carrying label (key=value), 8 at a time; returns how many."""
        ids = [c["Id"] for c in self.ps(labels=[label])]
        if ids:
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(self.remove, ids))
        return len(ids)

    def running_count(self, label):
        return len(self.ps(labels=[label], running_only=True))


def docker_socket():
    host = os.environ.get("DOCKER_HOST", "")
    if not host:
        return "/var/run/docker.sock"
    if host.startswith("unix://"):
        return host[len("unix://"):]
    sys.exit(f"bench: DOCKER_HOST={host}: only unix:// sockets are supported")


# ---------------------------------------------------------------- cleanup, also on Ctrl-C

class Cleanup:
    """Everything this run created, undone once: at the end, on failure, on Ctrl-C/SIGTERM, at exit."""

    def __init__(self):
        self.procs = []          # Popen objects started by us (hostlet, compose, floor JVM)
        self.dirs = []
        self.docker = None
        self.compose_file = None
        self.done = False

    def run(self):
        if self.done:
            return
        self.done = True
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # a second Ctrl-C must not leave half the mess
        for p in self.procs:
            if p.poll() is None:
                try:
                    p.send_signal(signal.SIGTERM)   # by our own Popen, i.e. by PID
                    p.wait(15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(5)
                except OSError:
                    pass
        if self.docker is not None:
            for label in (f"io.hostlet.instance={INSTANCE}", FLOOR_LABEL, f"com.docker.compose.project={PROJECT}"):
                try:
                    n = self.docker.remove_labelled(label)
                    if n:
                        log(f"cleanup: removed {n} containers labelled {label}")
                except Exception as e:  # noqa: BLE001 -- best effort, keep cleaning
                    log(f"cleanup: removing containers labelled {label} failed: {e}")
        if self.compose_file is not None and self.compose_file.exists():
            subprocess.run(["docker-compose", "-p", PROJECT, "-f", str(self.compose_file), "down", "-t", "1"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        for d in self.dirs:
            shutil.rmtree(d, ignore_errors=True)


CLEANUP = Cleanup()


def on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def spawn(cmd, **kw):
    p = subprocess.Popen(cmd, **kw)
    CLEANUP.procs.append(p)
    return p


def run_timed(cmd, timeout_s, env=None):
    """Runs cmd to completion; returns (seconds, stdout). Raises on a non-zero exit."""
    t0 = time.monotonic()
    p = spawn(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        out, err = p.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise Timeout(f"{' '.join(cmd[:4])}...: not within {timeout_s} s")
    elapsed = time.monotonic() - t0
    CLEANUP.procs.remove(p)
    if p.returncode != 0:
        shown = " ".join(a if len(a) < 80 else a[:40] + "..." for a in cmd)
        raise RuntimeError(f"{shown} exited {p.returncode}: {err.strip()[-600:]}")
    return elapsed, out


# ---------------------------------------------------------------- hostlet

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hostlet:
    """The packaged service as a child process, with its log and HTTP API."""

    java_opts = []   # extra JVM options (--java-opts), after deploy/jvm.options (the deployed settings)

    def __init__(self, jar, manifests, log_path):
        self.jar = jar
        self.manifests = manifests
        self.log_path = log_path
        self.port = free_port()
        self.proc = None

    def start(self):
        """Starts hostlet and waits until ready; returns seconds from process start to the first ready 200."""
        # As deployed: the JVM options file, and the class-data archive next to the jar (see main).
        cds = Path(self.jar).parent / "hostlet.jsa"
        cmd = [shutil.which("java") or "java", f"@{REPO / 'deploy/jvm.options'}",
               *([f"-XX:SharedArchiveFile={cds}"] if cds.is_file() else []), *self.java_opts,
               f"-Dhostlet.manifests.dir={self.manifests}",
               f"-Dhostlet.instance={INSTANCE}",
               "-Dhostlet.resync-interval=30s",
               f"-Dquarkus.http.port={self.port}",
               "-Dquarkus.http.host=127.0.0.1",
               "-jar", str(self.jar)]
        logf = open(self.log_path, "a", encoding="utf-8")
        logf.write(f"\n===== {datetime.datetime.now().isoformat()} {' '.join(cmd)}\n")
        logf.flush()
        t0 = time.monotonic()
        self.proc = spawn(cmd, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        logf.close()

        def ready():
            if self.proc.poll() is not None:
                raise RuntimeError(f"hostlet exited {self.proc.returncode} while starting; see {self.log_path}")
            return self.ready()
        wait_until("hostlet ready", ready, 90, 0.02)
        return time.monotonic() - t0

    def get(self, path, timeout=5):
        with NO_PROXY.open(f"http://127.0.0.1:{self.port}{path}", timeout=timeout) as r:
            return r.status, r.read()

    def ready(self):
        try:
            return self.get("/q/health/ready", timeout=2)[0] == 200
        except (urllib.error.URLError, OSError, http.client.HTTPException):
            return False

    def status(self):
        return json.loads(self.get("/api/v1/status")[1])

    def rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
        return None

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            log(f"hostlet pid {self.proc.pid} ignored SIGTERM for 20 s; killing it")
            self.proc.kill()
            self.proc.wait(5)
        CLEANUP.procs.remove(self.proc)


def manifest_yaml(name, gen):
    return (
        "apiVersion: hostlet.io/v1\n"
        "kind: Container\n"
        f"metadata: {{name: {name}}}\n"
        "spec:\n"
        f"  image: {IMAGE}\n"
        "  imagePullPolicy: IfNotPresent\n"
        '  command: ["/bin/sh"]\n'
        f'  args: ["-c", {json.dumps(SCRIPT)}]\n'
        f'  env: [{{name: GEN, value: "{gen}"}}]\n'
        f"  stopGracePeriod: {STOP_GRACE}\n"
    )


class Folder:
    """The manifests folder, written the way a deploy tool should: into a staging folder, then renamed in."""

    def __init__(self, root):
        self.dir = root / "manifests"
        self.stage = root / "stage"
        self.dir.mkdir()
        self.stage.mkdir()

    def prepare(self, name, gen=1):
        p = self.stage / f"{name}.yaml"
        p.write_text(manifest_yaml(name, gen), encoding="utf-8")
        return p

    def move_in(self, staged):
        os.rename(staged, self.dir / staged.name)

    def put(self, name, gen=1):
        self.move_in(self.prepare(name, gen))

    def clear(self):
        for p in self.dir.iterdir():
            p.unlink()


# ---------------------------------------------------------------- the measurements

def names_for(prefix, n):
    return [f"{prefix}-{i:04d}" for i in range(1, n + 1)]


def running_with_new_id(docker, name, old_id):
    c = docker.inspect(name)
    return c is not None and c["Id"] != old_id and c["State"]["Running"]


def change_split(docker, new_id, wall0, wall1):
    """Change one, split by the engine's own event times: ms from the manifest's rename into the folder to the end of
    the new container's create (hostlet's part: debounce, read, plan, record, and the create call), and from there
    to its last start or rename (the engine's part: the old one's stop, the new one's start, the renames). None when
    the engine did not report both."""
    q = urllib.parse.urlencode({"since": f"{wall0 - 1:.3f}", "until": f"{wall1 + 1:.3f}",
                                "filters": json.dumps({"type": ["container"], "container": [new_id]})})
    _, raw = docker.call("GET", f"/events?{q}", parse=False)
    events = [json.loads(line) for line in raw.splitlines() if line.strip()]
    created = [e["timeNano"] for e in events if e.get("Action") == "create"]
    running = [e["timeNano"] for e in events if e.get("Action") in ("start", "rename")]
    if not created or not running:
        return None
    return [round(created[0] / 1e6 - wall0 * 1000, 1), round((max(running) - created[0]) / 1e6, 1)]


def hostlet_session(ctx, n, r, full, res):
    """Hostlet from an empty folder: ready time, cold converge of n, change one; with full, the steady-state figures."""
    docker, folder = ctx["docker"], ctx["folder"]
    label = f"io.hostlet.instance={INSTANCE}"
    prefix = f"hb{RUN_ID}"
    names = names_for(prefix, n)
    h = Hostlet(ctx["jar"], folder.dir, ctx["logdir"] / f"hostlet-n{n}-r{r + 1}.log")
    ctx["logs"].append(h.log_path)
    try:
        res["ready"].append(ms(h.start()))
        log(f"  hostlet ready after {res['ready'][-1]:.0f} ms (pid {h.proc.pid}, port {h.port})")

        # 1. cold converge
        staged = [folder.prepare(name) for name in names]
        t0 = time.monotonic()
        for p in staged:
            folder.move_in(p)
        wait_until(f"{n} hostlet containers running", lambda: docker.running_count(label) == n, 60 + 2 * n, 0.05)
        res["hostlet_cold"].append(ms(time.monotonic() - t0))
        log(f"  hostlet cold converge of {n}: {res['hostlet_cold'][-1]:.0f} ms")
        wait_until("hostlet ready after cold converge", h.ready, 120, 0.1)
        st = h.status()
        if st.get("manifestErrors"):
            log(f"  WARNING: manifest errors: {st['manifestErrors'][:3]}")

        # 2. change one of n
        target = names[r % n]
        old = docker.inspect(target)["Id"]
        staged = folder.prepare(target, gen=2)
        t0, wall0 = time.monotonic(), time.time()
        folder.move_in(staged)
        wait_until(f"{target} recreated", lambda: running_with_new_id(docker, target, old), 60, 0.02)
        res["hostlet_change"].append(ms(time.monotonic() - t0))
        split = change_split(docker, docker.inspect(target)["Id"], wall0, time.time())
        res.setdefault("hostlet_change_split", []).append(split)
        log(f"  hostlet change one of {n}: {res['hostlet_change'][-1]:.0f} ms"
            + (f" (to the create's end {split[0]:.0f} ms, then the engine {split[1]:.0f} ms)" if split else ""))
        wait_until("hostlet ready after change", h.ready, 60, 0.05)

        if full:
            res["noop"] = noop_after_file_change(h, folder)
            res["noop_listing"] = noop_after_engine_event(h, docker, next(x for x in names if x != target))
            res["noop_floor"] = noop_floor(docker)
            res["rss_mb"] = h.rss_mb()
            for key, what in (("noop", "after a file change"), ("noop_listing", "after an engine event")):
                noop = res[key] or {}
                log(f"  no-op pass {what}: wall {fmt(noop.get('wallMillis'), digits=1)} ms, CPU "
                    f"{fmt(noop.get('cpuMillis'), digits=1)} ms, {fmt(noop.get('apiCalls'))} API calls "
                    f"({noop.get('samples', 0)} passes)")
            log(f"  the two list calls alone {fmt(res['noop_floor'], digits=1)} ms; RSS {res['rss_mb']:.0f} MB")
            res["drops"] = file_drops(docker, folder, prefix, ctx["drops"])
            log(f"  file drops p50 {percentile(res['drops'], 50):.0f} ms, p95 {percentile(res['drops'], 95):.0f} ms")
            crash = [x for x in names if x != target][:CRASHES]
            res["crash"], res["crash_by"] = crash_reactions(docker, h, crash, ctx["crash_spacing"])
            log(f"  crash reaction {[None if x is None else round(x) for x in res['crash']]} ms, "
                f"restarted by {res['crash_by']}")
            res["rss_mb_end"] = h.rss_mb()
    finally:
        h.stop()
        docker.remove_labelled(label)
        folder.clear()


def noop_passes(h, trigger, what, listed, wanted=NOOP_SAMPLES):
    """Causes passes with trigger() and reads lastPass of those with 0 actions and the given `listed`, up to `wanted`."""
    samples = []
    for i in range(wanted * 2):
        if len(samples) >= wanted:
            break
        before = h.status().get("lastReconcile")
        trigger(i)
        def passed():
            st = h.status()
            return st if st.get("lastReconcile") != before else None
        try:
            after, _ = wait_until(f"a pass after {what}", passed, 10, 0.02)
        except Timeout as e:
            log(f"  {e}")
            continue
        # A file change asks for one pass; let it publish lastPass. An engine event asks for a pass after each of
        # the events' follow-up delays (up to 500 ms, EngineEventsTrigger.FOLLOW_UPS); all of them list: sample the last.
        time.sleep(0.1 if not listed else 0.7)
        st = h.status()
        lp = st.get("lastPass")
        if (lp and lp.get("actions") == 0 and lp.get("listed") == listed
                and (listed or st.get("lastReconcile") == after.get("lastReconcile"))):
            samples.append(lp)
        time.sleep(0.4 if not listed else 0.1)   # the next trigger starts from an idle loop
    if not samples:
        return None
    return {
        "samples": len(samples),
        "wallMillis": median([s["wallMillis"] for s in samples]),
        "cpuMillis": median([s["cpuMillis"] for s in samples]),
        "apiCalls": median([s["apiCalls"] for s in samples]),
        "raw": samples,
    }


def noop_after_file_change(h, folder, wanted=NOOP_SAMPLES):
    """Passes caused by a dotfile (the watcher fires, the reader skips it): nothing changed, the listing is reused."""
    touch = folder.dir / ".bench-touch"
    try:
        return noop_passes(h, lambda i: touch.write_text(str(i)), "touching .bench-touch", listed=False, wanted=wanted)
    finally:
        touch.unlink(missing_ok=True)


def noop_after_engine_event(h, docker, name):
    """Passes caused by an engine event (pause + unpause of one container): they list the engine afresh."""
    def nudge(_):
        docker.call("POST", f"/containers/{name}/pause", parse=False)
        docker.call("POST", f"/containers/{name}/unpause", parse=False)
    return noop_passes(h, nudge, f"pausing and unpausing {name}", listed=True)


def noop_floor(docker, samples=NOOP_SAMPLES):
    """The engine's share of a no-op pass: the two list calls hostlet's observe makes, timed from here (unparsed)."""
    labels = json.dumps({"label": ["io.hostlet.managed=true", f"io.hostlet.instance={INSTANCE}"]})
    containers = "/containers/json?" + urllib.parse.urlencode({"all": "1", "filters": labels})
    networks = "/networks?" + urllib.parse.urlencode({"filters": labels})
    out = []
    for _ in range(samples):
        t0 = time.monotonic()
        docker.call("GET", containers, parse=False)
        docker.call("GET", networks, parse=False)
        out.append(ms(time.monotonic() - t0))
        time.sleep(0.1)
    return median(out)


def file_drops(docker, folder, prefix, drops):
    """Drops one new manifest at a time; ms from the rename until its container runs (polled every 20 ms)."""
    out = []
    for i in range(1, drops + 1):
        name = f"{prefix}-d{i:03d}"
        staged = folder.prepare(name)
        t0 = time.monotonic()
        folder.move_in(staged)
        try:
            wait_until(f"dropped {name} running",
                       lambda: (c := docker.inspect(name)) is not None and c["State"]["Running"], 30, 0.02)
            out.append(ms(time.monotonic() - t0))
        except Timeout as e:
            log(f"  {e}")
            out.append(None)
        time.sleep(0.5)   # let hostlet's confirming pass finish: each drop starts from an idle loop
    return out


def hostlet_restarts(h, name):
    for c in h.status().get("containers", []):
        if c.get("name") == name:
            return c.get("restarts", 0)
    return 0


def crash_reactions(docker, h, names, spacing_s):
    """docker kill (SIGKILL via the API) on distinct containers, so each meets a fresh backoff; ms until running again.

    The kills are staggered by spacing_s and measured concurrently: a reaction that waits for the resync timer
    then shows its real spread (kills at different phases of the timer) instead of a phase-locked worst case,
    and the whole measurement stays within about one resync interval.
    """
    out, who = [None] * len(names), [None] * len(names)

    def one(i, name):
        time.sleep(i * spacing_s)
        before = docker.inspect(name)
        restarts0 = hostlet_restarts(h, name)
        t0 = time.monotonic()
        docker.kill(before["Id"])

        def back():
            c = docker.inspect(name)
            return c is not None and c["State"]["Running"] and (
                c["Id"] != before["Id"] or c["State"]["StartedAt"] != before["State"]["StartedAt"]) and c
        try:
            after, _ = wait_until(f"{name} running again", back, 90, 0.02)
        except Timeout as e:
            log(f"  {e}")
            return
        out[i] = ms(time.monotonic() - t0)
        try:   # hostlet's status lags its pass by the pass's other steps
            wait_until(f"{name} counted in status", lambda: hostlet_restarts(h, name) > restarts0, 3, 0.1)
            who[i] = "hostlet"
        except Timeout:
            who[i] = "engine" if after["RestartCount"] > before["RestartCount"] else "?"

    threads = [threading.Thread(target=one, args=(i, n), daemon=True) for i, n in enumerate(names)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    by = {}
    for w in who:
        if w:
            by[w] = by.get(w, 0) + 1
    return out, by


def compose_yaml(names, changed=None):
    lines = ['version: "2.4"', "services:"]
    for name in names:
        gen = "2" if name == changed else "1"
        lines += [
            f"  {name}:",
            f"    image: {IMAGE}",
            '    entrypoint: ["/bin/sh"]',
            f'    command: ["-c", {json.dumps(SCRIPT.replace("$", "$$"))}]',   # compose interpolates $
            f'    environment: {{GEN: "{gen}"}}',
            f"    stop_grace_period: {STOP_GRACE}",
            "    restart: always",          # what hostlet sets for restartPolicy: Always
            "    network_mode: bridge",     # hostlet's containers are on the default bridge too
        ]
    return "\n".join(lines) + "\n"


def compose_session(ctx, n, r, res):
    docker = ctx["docker"]
    f = ctx["tmp"] / "docker-compose.yml"
    CLEANUP.compose_file = f
    names = names_for("c", n)
    base = ["docker-compose", "-p", PROJECT, "-f", str(f)]
    # compose v1 deadlocks when a project has more services than COMPOSE_PARALLEL_LIMIT (default 64) allows
    # for its nested parallel tasks (docker/compose#7486, #8161, #8226; seen here with 200: it stalled after
    # 16 containers). Raising the limit is the known workaround; below 33 services it changes nothing.
    env = dict(os.environ, COMPOSE_HTTP_TIMEOUT="600", COMPOSE_PARALLEL_LIMIT=str(max(64, 2 * n)))
    try:
        f.write_text(compose_yaml(names))
        secs, _ = run_timed(base + ["up", "-d"], 120 + 3 * n, env)
        res["compose_cold"].append(ms(secs))
        running = docker.running_count(f"com.docker.compose.project={PROJECT}")
        if running != n:
            log(f"  WARNING: compose reported success but {running}/{n} containers run")
        log(f"  compose up -d of {n}: {ms(secs):.0f} ms")

        f.write_text(compose_yaml(names, changed=names[r % n]))
        secs, _ = run_timed(base + ["up", "-d"], 600, env)
        res["compose_change"].append(ms(secs))
        log(f"  compose change one of {n}: {ms(secs):.0f} ms")

        secs, _ = run_timed(base + ["up", "-d"], 600, env)
        res["compose_noop"].append(ms(secs))
        log(f"  compose no-op up -d with {n}: {ms(secs):.0f} ms")
    finally:
        docker.remove_labelled(f"com.docker.compose.project={PROJECT}")
        subprocess.run(base + ["down", "-t", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def floor_run(ctx, n, res):
    cmd = ["java", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-cp", ctx["floor_cp"],
           "io.hostlet.bench.FloorBench", str(n), f"fl{RUN_ID}", FLOOR_LABEL, IMAGE, "8"]
    try:
        _, out = run_timed(cmd, 900)
        value = next(float(line.split("=", 1)[1]) for line in out.splitlines() if line.startswith("floor_ms="))
        res["floor"].append(value)
        log(f"  floor (docker-java, 8 threads) for {n}: {value:.0f} ms")
    finally:
        ctx["docker"].remove_labelled(FLOOR_LABEL)


# ---------------------------------------------------------------- report

def fmt(v, unit="", digits=0):
    if v is None:
        return "—"
    return f"{v:,.{digits}f}{unit}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def verdict(ok):
    return "—" if ok is None else ("met" if ok else "**missed**")


def split_parts(s):
    """The two parts of change one (see change_split), each as the samples that have it."""
    splits = [x for x in s.get("hostlet_change_split", []) if x]
    return [x[0] for x in splits], [x[1] for x in splits]


def size_table(n, s):
    hc, cc, fl = median(s["hostlet_cold"]), median(s["compose_cold"]), median(s["floor"])
    hch, cch = median(s["hostlet_change"]), median(s["compose_change"])
    noop = s.get("noop") or {}
    listing = s.get("noop_listing") or {}
    drops = s.get("drops") or []
    rows = [
        ("cold converge, ms", fmt(hc), fmt(cc), fmt(fl), fmt(ratio(hc, cc), "×", 2), fmt(ratio(hc, fl), "×", 2)),
        ("change one (env), ms", fmt(hch), fmt(cch), "", fmt(ratio(hch, cch), "×", 2), ""),
        ("… to the create's end / then the engine, ms", " / ".join(fmt(median(part)) for part in split_parts(s)),
         "", "", "", ""),
        ("no-op pass after a file change, wall ms", fmt(noop.get("wallMillis"), digits=1), fmt(median(s["compose_noop"])),
         fmt(s.get("noop_floor"), digits=1), fmt(ratio(noop.get("wallMillis"), median(s["compose_noop"])), "×", 3),
         fmt(ratio(noop.get("wallMillis"), s.get("noop_floor")), "×", 2)),
        ("… CPU ms / API calls", f"{fmt(noop.get('cpuMillis'), digits=1)} / {fmt(noop.get('apiCalls'))}", "", "", "", ""),
        ("no-op pass after an engine event (lists), wall ms", fmt(listing.get("wallMillis"), digits=1),
         fmt(median(s["compose_noop"])), fmt(s.get("noop_floor"), digits=1),
         fmt(ratio(listing.get("wallMillis"), median(s["compose_noop"])), "×", 3),
         fmt(ratio(listing.get("wallMillis"), s.get("noop_floor")), "×", 2)),
        ("… CPU ms / API calls", f"{fmt(listing.get('cpuMillis'), digits=1)} / {fmt(listing.get('apiCalls'))}", "", "", "", ""),
        (f"file drop p50 / p95 of {len(drops)}, ms", f"{fmt(percentile(drops, 50))} / {fmt(percentile(drops, 95))}", "", "", "", ""),
        ("crash reaction (median of %d), ms" % len([x for x in s.get("crash", []) if x is not None]),
         fmt(median(s.get("crash", []))) + (f" ({', '.join(f'{k} {v}' for k, v in s.get('crash_by', {}).items())})"
                                            if s.get("crash_by") else ""), "", "", "", ""),
        ("hostlet RSS, MB", fmt(s.get("rss_mb")), "", "", "", ""),
    ]
    head = f"### N = {n}\n\n| figure | hostlet | docker-compose | floor | hostlet/compose | hostlet/floor |\n|---|---:|---:|---:|---:|---:|\n"
    errors = "".join(f"\n- failed: {e}" for e in s.get("errors", []))
    return head + "".join(f"| {' | '.join(r)} |\n" for r in rows) + (errors + "\n" if errors else "")


def targets_table(n, s, ready_ms):
    hc, cc, fl = median(s["hostlet_cold"]), median(s["compose_cold"]), median(s["floor"])
    hch, cch = median(s["hostlet_change"]), median(s["compose_change"])
    noop = s.get("noop") or {}
    listing = s.get("noop_listing") or {}
    p50 = percentile(s.get("drops") or [], 50)
    crash = median(s.get("crash") or [])
    rss = s.get("rss_mb")

    def le(a, b):
        return None if a is None or b is None else a <= b
    rows = [
        (f"cold converge of {n} ≤ 0.5× compose", f"{fmt(ratio(hc, cc), '×', 2)}", verdict(le(ratio(hc, cc), 0.5))),
        (f"cold converge of {n} ≤ 1.2× floor", f"{fmt(ratio(hc, fl), '×', 2)}", verdict(le(ratio(hc, fl), 1.2))),
        (f"change one of {n} ≤ 1500 ms and < compose", f"{fmt(hch)} ms vs {fmt(cch)} ms",
         verdict(None if hch is None or cch is None else hch <= 1500 and hch < cch)),
        (f"no-op pass with {n} ≤ 2 API calls: after a file change", fmt(noop.get("apiCalls")),
         verdict(le(noop.get("apiCalls"), 2))),
        (f"… after an engine event (lists)", fmt(listing.get("apiCalls")), verdict(le(listing.get("apiCalls"), 2))),
        (f"no-op pass with {n} ≤ 50 ms wall: after a file change", f"{fmt(noop.get('wallMillis'), digits=1)} ms",
         verdict(le(noop.get("wallMillis"), 50))),
        (f"… after an engine event (lists)", f"{fmt(listing.get('wallMillis'), digits=1)} ms",
         verdict(le(listing.get("wallMillis"), 50))),
        ("file drop p50 ≤ 1000 ms", f"{fmt(p50)} ms", verdict(le(p50, 1000))),
        ("crash reaction ≤ 1000 ms", f"{fmt(crash)} ms", verdict(le(crash, 1000))),
        (f"RSS with {n} ≤ 200 MB", f"{fmt(rss)} MB", verdict(le(rss, 200))),
        ("ready ≤ 2000 ms after start (empty folder)", f"{fmt(ready_ms)} ms", verdict(le(ready_ms, 2000))),
    ]
    return ("| target | measured | |\n|---|---:|---|\n" + "".join(f"| {' | '.join(r)} |\n" for r in rows))


def loadavg():
    with open("/proc/loadavg", encoding="ascii") as f:
        return " ".join(f.read().split()[:3])


def machine_info(docker):
    v = docker.version()
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo", encoding="ascii", errors="replace"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal:")) / 1024 / 1024
    except (OSError, StopIteration):
        mem = 0
    try:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=False).stdout.strip()
        commit += " (+ uncommitted changes)" if dirty else ""
    except subprocess.CalledProcessError:
        commit = "none (no commit yet; the working tree was measured)"
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    compose = (subprocess.run(["docker-compose", "version", "--short"], capture_output=True, text=True).stdout.strip()
               if shutil.which("docker-compose") else "not installed")
    return {
        "cores": os.cpu_count(),
        "nproc": subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip(),
        "cpu": cpu,
        "mem_gib": round(mem, 1),
        "kernel": platform.release(),
        "engine": f"Docker {v.get('Version')} (API {v.get('ApiVersion')}, {v.get('Os')}/{v.get('Arch')})",
        "compose": f"docker-compose {compose}",
        "java": java[0] if java else "?",
        "commit": commit,
        "load_start": loadavg(),
    }


def report(args, machine, results, ready, started, logs):
    today = datetime.date.today().isoformat()
    lines = [f"# hostlet benchmark, {today}", ""]
    lines += [
        f"- machine: {machine['nproc']} cores (nproc), {machine['cpu']}, {machine['mem_gib']} GiB, Linux {machine['kernel']}",
        f"- engine: {machine['engine']}; {machine['compose']}; {machine['java']}",
        f"- hostlet: git {machine['commit']}; jar built {machine['jar_built']}; parallelism 8 (default), resync 30s"
        f"; JVM options: deploy/jvm.options ({' '.join(jvm_options())}){' + ' + args.java_opts if args.java_opts else ''}"
        f"; class-data archive (scripts/build-cds.sh): {'yes' if machine.get('cds') else 'no'}",
        f"- run: sizes {','.join(map(str, args.sizes))}, repeat {args.repeat} (medians of repeats), "
        f"{'--quick, ' if args.quick else ''}{'skipped ' + ', '.join(sorted(args.skip)) + ', ' if args.skip else ''}"
        f"took {time.monotonic() - started:.0f} s",
        f"- load average (1/5/15 min) at start {machine['load_start']}, at end {loadavg()}",
        f"- hostlet ready after start, empty folder: median {fmt(median(ready))} ms of {len(ready)} "
        f"({', '.join(fmt(x) for x in ready)})",
        "",
        "What each figure means: bench/README.md. Other work on the same engine during the run would show as noise.",
        "",
    ]
    for n in args.sizes:
        lines.append(size_table(n, results[n]))
    big = max(args.sizes)
    lines += [f"### Targets (at N = {big}; they are set for 200)", "", targets_table(big, results[big], median(ready))]
    def rounded(v):
        if isinstance(v, float):
            return round(v, 1)
        if isinstance(v, list):
            return [rounded(x) for x in v]
        if isinstance(v, dict):
            return {k: rounded(x) for k, x in v.items() if k != "raw"}
        return v
    raw = ["{"]
    for n in args.sizes:
        raw.append(f' "{n}": {{')
        items = [(k, v) for k, v in results[n].items() if k != "errors"]
        raw += [f'  "{k}": {json.dumps(rounded(v))}' + ("," if i < len(items) - 1 else "") for i, (k, v) in enumerate(items)]
        raw.append(" },")
    raw.append(f' "ready": {json.dumps(rounded(ready))}')
    raw.append("}")
    lines += ["### Raw samples (ms)", "", "```json", *raw, "```", ""]
    lines += [f"hostlet logs: {', '.join(str(p) for p in logs)}", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- main

def floor_snapshot(classpath, tmp):
    """The floor's classpath with its folders copied: a `mvn clean` elsewhere must not delete FloorBench mid-run."""
    out = []
    for i, entry in enumerate(classpath.split(os.pathsep)):
        p = Path(entry)
        if p.is_dir():
            dst = tmp / f"floor-cp-{i}"
            shutil.copytree(p, dst)
            out.append(str(dst))
        elif entry:
            out.append(entry)
    if not any((Path(e) / "io/hostlet/bench/FloorBench.class").is_file() for e in out):
        sys.exit("bench: io.hostlet.bench.FloorBench is not on --floor-classpath (bench/run.sh compiles it)")
    return os.pathsep.join(out)


def snapshot(src, dst):
    """Copies the packaged app; again if a build changed it while it was being copied."""
    def stamp():
        return max((p.stat().st_mtime_ns, str(p)) for p in src.rglob("*"))
    for _ in range(10):
        before = stamp()
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(src, dst)
        time.sleep(1)
        if stamp() == before:
            return dst
        log(f"{src} changed while it was copied (a build?); copying again")
        time.sleep(5)
    sys.exit(f"bench: {src} keeps changing; run when no build is writing it")


def jvm_options():
    """The deployed JVM options (deploy/jvm.options without comments), for the results header."""
    text = (REPO / "deploy/jvm.options").read_text(encoding="utf-8")
    return [w for line in text.splitlines() if not line.lstrip().startswith("#") for w in line.split()]


def parse_args():
    ap = argparse.ArgumentParser(description="hostlet vs docker-compose vs the engine's floor")
    ap.add_argument("--sizes", default="10,50,200", help="container counts, comma-separated (default 10,50,200)")
    ap.add_argument("--repeat", type=int, default=3, help="repeats per size; medians are reported (default 3)")
    ap.add_argument("--quick", action="store_true", help="smoke run: sizes 10, repeat 1")
    ap.add_argument("--jar", default=str(REPO / "target/quarkus-app/quarkus-run.jar"))
    ap.add_argument("--floor-classpath", required=True, help="classpath holding io.hostlet.bench.FloorBench and docker-java")
    ap.add_argument("--java-opts", default="", help="extra JVM options for hostlet after deploy/jvm.options, e.g. \"-Xmx128m\"")
    ap.add_argument("--skip", default="", help="comma-separated: compose, floor (to try hostlet settings quickly)")
    ap.add_argument("--results", default=None,
                    help="results file (default bench/results/<date>.md; <date>-quick.md with --quick)")
    a = ap.parse_args()
    a.sizes = [10] if a.quick else [int(x) for x in a.sizes.split(",") if x.strip()]
    a.repeat = 1 if a.quick else max(1, a.repeat)
    a.skip = {x.strip() for x in a.skip.split(",") if x.strip()}
    if a.skip - {"compose", "floor"}:
        ap.error(f"--skip: unknown {a.skip - {'compose', 'floor'}}")
    if min(a.sizes) < CRASHES + 1:
        ap.error(f"sizes must be at least {CRASHES + 1}")
    return a


def main():
    args = parse_args()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    atexit.register(CLEANUP.run)
    started = time.monotonic()
    Hostlet.java_opts = args.java_opts.split()

    docker = Docker(docker_socket())
    CLEANUP.docker = docker
    if not Path(args.jar).is_file():
        sys.exit(f"bench: {args.jar} is missing (bench/run.sh builds it)")
    if docker.call("GET", f"/images/{urllib.parse.quote(IMAGE)}/json")[0] == 404:
        sys.exit(f"bench: image {IMAGE} is missing: scripts/build-test-image.sh")
    if "compose" not in args.skip and not shutil.which("docker-compose"):
        sys.exit("bench: docker-compose is not installed")

    machine = machine_info(docker)
    machine["jar_built"] = datetime.datetime.fromtimestamp(Path(args.jar).stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    log(f"machine: {machine['nproc']} cores, {machine['engine']}, {machine['compose']}, hostlet {machine['commit']}")
    log(f"run {RUN_ID}: sizes {args.sizes}, repeat {args.repeat}; instance {INSTANCE}, compose project {PROJECT}")

    tmp = Path(tempfile.mkdtemp(prefix=f"hostlet-bench-{RUN_ID}-"))
    CLEANUP.dirs.append(tmp)
    logdir = Path(tempfile.gettempdir()) / f"hostlet-bench-{RUN_ID}-logs"   # kept: evidence
    logdir.mkdir()
    # Measure a snapshot: others may rebuild target/ while the benchmark runs, under a live JVM.
    app = snapshot(Path(args.jar).resolve().parent, tmp / "app")
    # As ./hostlet and the systemd unit start it: with a class-data archive, made for this copy (an archive
    # fits only the path it was made at).
    (app / "hostlet.jsa").unlink(missing_ok=True)
    cds = subprocess.run([str(REPO / "scripts/build-cds.sh"), str(app)], capture_output=True, text=True)
    machine["cds"] = cds.returncode == 0
    if cds.returncode != 0:
        log(f"no class-data archive, hostlet starts without: {cds.stderr.strip()[-300:]}")
    ctx = {"docker": docker, "jar": app / Path(args.jar).name, "floor_cp": floor_snapshot(args.floor_classpath, tmp),
           "tmp": tmp,
           "folder": Folder(tmp), "logdir": logdir, "logs": [],
           "drops": DROPS_QUICK if args.quick else DROPS, "crash_spacing": 3.0 if args.quick else 6.0}

    results, ready = {}, []
    try:
        for n in args.sizes:
            res = results[n] = {"hostlet_cold": [], "hostlet_change": [], "compose_cold": [], "compose_change": [],
                                "compose_noop": [], "floor": [], "ready": []}
            for r in range(args.repeat):
                log(f"N={n}, repeat {r + 1}/{args.repeat}")
                for what, step in (("hostlet", lambda: hostlet_session(ctx, n, r, r == args.repeat - 1, res)),
                                   ("compose", lambda: compose_session(ctx, n, r, res)),
                                   ("floor", lambda: floor_run(ctx, n, res))):
                    if what in args.skip:
                        continue
                    try:
                        step()
                    except (Timeout, RuntimeError, OSError, KeyError, TypeError, ValueError) as e:
                        # One failed measurement must not cost the others; the report lists it.
                        log(f"  {what} failed: {type(e).__name__}: {e}")
                        res.setdefault("errors", []).append(f"repeat {r + 1}, {what}: {type(e).__name__}: {e}")
            ready += res.pop("ready")
        while len(ready) < READY_SAMPLES:   # --quick: top up the start-up samples
            h = Hostlet(ctx["jar"], ctx["folder"].dir, logdir / f"hostlet-start-{len(ready)}.log")
            ctx["logs"].append(h.log_path)
            try:
                ready.append(ms(h.start()))
            finally:
                h.stop()
    finally:
        CLEANUP.run()

    text = report(args, machine, results, ready, started, ctx["logs"])
    out = Path(args.results) if args.results else \
        REPO / "bench/results" / f"{datetime.date.today().isoformat()}{'-quick' if args.quick else ''}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text.split("### Raw samples")[0])
    print(f"written: {out}")
    warn = sum(Path(p).read_text(errors="replace").count(" WARN ") for p in ctx["logs"] if Path(p).exists())
    err = sum(Path(p).read_text(errors="replace").count(" ERROR ") for p in ctx["logs"] if Path(p).exists())
    print(f"hostlet logs in {logdir}: {warn} WARN, {err} ERROR lines")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt as e:
        log(f"interrupted ({e}); cleaned up")
        sys.exit(130)
