#!/usr/bin/env python3
"""hostlet's fault suite (issue 10), black-box: the packaged jar against a private Docker engine.

Started by faults/run.sh, which starts the private engine (scripts/engine-ns.sh) and gives its name here.
Scenarios, each with a fresh instance name so nothing outside this run is ever looked at:
  volumes  a named and an anonymous volume get a file before everything else; checked after it all, and again
           after a spec change recreates their containers
  engine   the private engine's dockerd SIGKILLed mid-apply of 50 containers, restarted on its data-root
  hostlet  hostlet SIGKILLed at a random point of an apply of 20 changes, restarted
  corpus   hostile manifests dropped into the live folder while 5 containers run
Prints trials, faults injected and losses per scenario; exits 1 on any loss. Stdlib only.
"""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
IMAGE = "hostlet-test/busybox:1"
VOL_IMAGE = "hostlet-faults/volume:1"
LOSS_KINDS = ("duplicates", "foreign", "missing", "leftovers", "data_lost", "other")


def log(msg):
    print("[faults %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------ engine
class Engine:
    """The private engine, through the docker CLI and scripts/engine-ns.sh."""

    def __init__(self, name):
        self.name = name
        self.script = os.path.join(ROOT, "scripts", "engine-ns.sh")
        self.host = subprocess.check_output([self.script, "host", name], text=True).strip()
        self.env = dict(os.environ, DOCKER_HOST=self.host)
        self.env.pop("DOCKER_CONTEXT", None)

    def docker(self, *args, check=True, timeout=120):
        r = subprocess.run(["docker", *args], env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError("docker %s: %s" % (" ".join(args[:3]), r.stderr.strip()))
        return r.stdout

    def kill(self):
        subprocess.run([self.script, "kill", self.name], check=True, capture_output=True)

    def start(self):
        subprocess.run([self.script, "start", self.name], check=True, capture_output=True)

    def inspect(self, ids):
        if not ids:
            return []
        out = self.docker("inspect", *ids, check=False)
        try:
            return [Container(c) for c in json.loads(out or "[]")]
        except json.JSONDecodeError:
            return []

    def ids(self, *filters):
        args = ["ps", "-aq", "--no-trunc"]
        for f in filters:
            args += ["--filter", f]
        return self.docker(*args).split()

    def instance(self, instance):
        """Every container carrying this instance's label."""
        return self.inspect(self.ids("label=io.hostlet.instance=" + instance))

    def orphan_tasks(self):
        """Container cgroups under this engine's cgroup parent whose id docker does not list."""
        base = "/sys/fs/cgroup/memory/hostlet-engine-" + self.name
        if not os.path.isdir(base):
            base = "/sys/fs/cgroup/hostlet-engine-" + self.name
        try:
            cg = {d for d in os.listdir(base) if len(d) == 64}
        except OSError:
            return []
        return sorted(cg - set(self.ids()))

    def remove(self, ids):
        """docker rm -f, four calls at once (the engine removes one container per call at a time)."""
        import concurrent.futures
        chunks = [ids[i::4] for i in range(4) if ids[i::4]]
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda c: self.docker("rm", "-f", *c, check=False), chunks))


class Container:
    def __init__(self, raw):
        self.id = raw["Id"]
        self.name = raw["Name"].lstrip("/")
        self.labels = raw["Config"].get("Labels") or {}
        self.running = raw["State"]["Running"]
        self.status = raw["State"]["Status"]
        self.env = raw["Config"].get("Env") or []
        self.mounts = raw.get("Mounts") or []
        self.restart_policy = raw["HostConfig"].get("RestartPolicy", {}).get("Name")

    @property
    def owned_name(self):
        return self.labels.get("io.hostlet.name")

    @property
    def spec_hash(self):
        return self.labels.get("io.hostlet.spec-hash")

    def fingerprint(self):
        return (self.id, self.name, tuple(sorted(self.labels.items())), self.running, self.restart_policy)


# ------------------------------------------------------------------------------------------ hostlet
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hostlet:
    """The packaged jar as a child process, as the ITs run it (HostletProcess)."""

    started = []  # every one this run made, so none outlives it (see main)

    def __init__(self, jar, engine, instance, manifests, work):
        Hostlet.started.append(self)
        self.jar, self.engine, self.instance, self.manifests = jar, engine, instance, manifests
        self.state = os.path.join(work, "state-" + instance)
        self.log = os.path.join(work, "hostlet-%s.log" % instance)
        self.proc = None
        self.port = None

    def start(self, wait=90):
        os.makedirs(self.state, exist_ok=True)
        self.port = free_port()
        cmd = ["java", "@" + os.path.join(ROOT, "deploy", "jvm.options"),
               "-Dhostlet.manifests.dir=" + self.manifests, "-Dhostlet.docker.host=" + self.engine.host,
               "-Dhostlet.instance=" + self.instance, "-Dhostlet.resync-interval=2s",
               "-Dhostlet.state-dir=" + self.state,
               "-Dquarkus.http.port=%d" % self.port, "-Dquarkus.http.host=127.0.0.1", "-jar", self.jar]
        with open(self.log, "a") as f:
            f.write("\n===== %s starting: %s\n" % (time.ctime(), " ".join(cmd)))
        out = open(self.log, "ab")
        self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT)
        out.close()
        deadline = time.time() + wait
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("hostlet %s exited with %s while starting; see %s" % (self.instance, self.proc.returncode, self.log))
            if self.live_code() == 200:
                return
            time.sleep(0.2)
        raise RuntimeError("hostlet %s not live within %ds; see %s" % (self.instance, wait, self.log))

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def get(self, path, timeout=10):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (self.port, path), timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()
        except (OSError, urllib.error.URLError):
            return None, b""

    def live_code(self):
        return self.get("/q/health/live", timeout=5)[0]

    def status(self):
        code, body = self.get("/api/v1/status", timeout=20)
        if code != 200:
            return None
        try:
            return json.loads(body)
        except ValueError:
            return None

    def rss_kb(self):
        try:
            with open("/proc/%d/status" % self.pid) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except (OSError, TypeError):
            pass
        return 0

    def kill(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self):
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


# ------------------------------------------------------------------------------------------ manifests
def manifest(name, image=IMAGE, env=None, volumes=None, pull="IfNotPresent"):
    y = ["apiVersion: hostlet.io/v1", "kind: Container", "metadata:", "  name: " + name, "spec:",
         "  image: " + json.dumps(image), "  imagePullPolicy: " + pull,
         '  command: ["/bin/sh"]', '  args: ["-c", "exec sleep 100000"]']
    if env:
        y.append("  env:")
        y += ["    - {name: %s, value: %s}" % (k, json.dumps(v)) for k, v in env.items()]
    if volumes:
        y.append("  volumes:")
        y += ["    - " + v for v in volumes]
    y += ["  restartPolicy: Always", "  stopGracePeriod: 1s"]
    return "\n".join(y) + "\n"


def put(folder, name, text):
    """Writes atomically: a temporary name hostlet ignores (.tmp), then a rename."""
    tmp = os.path.join(folder, ".%s.yaml.tmp" % name)
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, os.path.join(folder, name + ".yaml"))


def wait_for(cond, timeout, step=0.5):
    deadline = time.time() + timeout
    while True:
        v = cond()
        if v or time.time() >= deadline:
            return v
        time.sleep(step)


class Tally:
    def __init__(self, scenario):
        self.scenario = scenario
        self.trials = 0
        self.faults = 0
        self.loss = dict.fromkeys(LOSS_KINDS, 0)
        self.notes = []

    def add(self, kind, n, note=None):
        if n:
            self.loss[kind] += n
            if note:
                self.notes.append(note)
                log("LOSS %s: %s" % (self.scenario, note))

    def total(self):
        return sum(self.loss.values())


def audit(engine, instance, desired, env_key=None, env_value=None):
    """What the engine holds for this instance against the desired names: counts of each kind of wrong."""
    cs = engine.instance(instance)
    by = {}
    for c in cs:
        by.setdefault(c.owned_name, []).append(c)
    dup = sum(len(v) - 1 for v in by.values() if len(v) > 1)
    leftovers = [c.name for c in cs if ".next-" in c.name or c.name != c.owned_name]
    missing = []
    for n in desired:
        ok = [c for c in by.get(n, []) if c.running and c.name == n
              and (env_key is None or "%s=%s" % (env_key, env_value) in c.env)]
        if not ok:
            missing.append(n)
    extra = [c.name for c in cs if c.owned_name not in desired]
    return {"dup": dup, "leftovers": leftovers, "missing": missing, "extra": extra, "containers": cs}


def converged(a):
    return a["dup"] == 0 and not a["leftovers"] and not a["missing"] and not a["extra"]


# ------------------------------------------------------------------------------------------ scenario d (setup)
class Volumes:
    """A named and an anonymous volume with a file each, under their own hostlet, for the whole run."""

    def __init__(self, args, engine, work):
        self.engine, self.work = engine, work
        self.instance = "fv" + args.run_id
        self.folder = os.path.join(work, "m-" + self.instance)
        os.makedirs(self.folder)
        self.volume = "hlf-named-" + args.run_id
        self.token = "proof-%d" % random.randrange(10 ** 9)
        self.hostlet = Hostlet(args.jar, engine, self.instance, self.folder, work)
        self.tally = Tally("volumes")
        self.gen = 0

    def write(self):
        if not self.engine.docker("images", "-q", VOL_IMAGE).strip():
            tmp = "hlf-volimg-" + self.instance
            self.engine.docker("create", "--name", tmp, IMAGE, "true")
            self.engine.docker("commit", "--change", "VOLUME /data", tmp, VOL_IMAGE)
            self.engine.docker("rm", tmp)
        self.apply()
        self.hostlet.start()
        if not wait_for(lambda: converged(audit(self.engine, self.instance, ["vol-named", "vol-anon"])), 60):
            raise RuntimeError("volume containers did not start; see " + self.hostlet.log)
        for n in ("vol-named", "vol-anon"):
            self.engine.docker("exec", n, "sh", "-c", "echo %s > /data/proof && sync" % self.token)
        anon = self.engine.inspect(["vol-anon"])[0]
        self.anon_volume = next((m["Name"] for m in anon.mounts if m.get("Destination") == "/data"), None)
        log("volumes: wrote %s into named volume %s and anonymous volume %s" % (self.token, self.volume, self.anon_volume))

    def apply(self):
        put(self.folder, "vol-named", manifest("vol-named", env={"GEN": str(self.gen)},
                                               volumes=["{name: %s, mountPath: /data}" % self.volume]))
        put(self.folder, "vol-anon", manifest("vol-anon", image=VOL_IMAGE, pull="Never", env={"GEN": str(self.gen)}))

    def check(self, when):
        lost = []
        for n in ("vol-named", "vol-anon"):
            out = self.engine.docker("exec", n, "cat", "/data/proof", check=False).strip()
            if out != self.token:
                lost.append(n)
        self.tally.add("data_lost", len(lost), "%s: file gone in %s" % (when, ", ".join(lost)) if lost else None)
        return lost

    def recreate(self):
        before = {c.name: c.id for c in self.engine.instance(self.instance)}
        self.gen += 1
        self.apply()
        self.tally.faults += 1

        def done():
            a = audit(self.engine, self.instance, ["vol-named", "vol-anon"], "GEN", str(self.gen))
            return converged(a) and all(c.id != before.get(c.name) for c in a["containers"])
        if not wait_for(done, 90):
            self.tally.add("other", 1, "spec change did not recreate the volume containers within 90s")
        vols = self.engine.docker("volume", "ls", "-q").split()
        if self.anon_volume and self.anon_volume not in vols:
            log("volumes: the anonymous volume %s was removed with its container" % self.anon_volume)
        elif self.anon_volume:
            now = self.engine.inspect(["vol-anon"])
            mounted = now and any(m.get("Name") == self.anon_volume for m in now[0].mounts)
            log("volumes: anonymous volume %s still exists; %s" % (
                self.anon_volume, "mounted by the new container" if mounted else "NOT mounted by the new container"))


# ------------------------------------------------------------------------------------------ scenario a
def scenario_engine(args, engine, work, vols):
    t = Tally("engine SIGKILL mid-apply (50)")
    n = 50
    seen_orphans = set()
    for trial in range(args.engine_trials):
        inst = "fa%st%d" % (args.run_id, trial)
        folder = os.path.join(work, "m-" + inst)
        os.makedirs(folder)
        names = ["a%d-c%02d" % (trial, i) for i in range(n)]
        clash = names[-1]
        desired = names[:-1]
        # foreign objects: unlabelled containers, one with a wanted name; restart=always so an engine restart
        # brings them back running (a stop by anyone else would keep them stopped)
        foreign = []
        for k in range(3):
            foreign.append(engine.docker("run", "-d", "--restart", "always", "--name", "foreign-%s-%d" % (inst, k),
                                         "--label", "owner=someone-else", IMAGE, "sleep", "100000").strip())
        foreign.append(engine.docker("run", "-d", "--restart", "always", "--name", clash, IMAGE, "sleep", "100000").strip())
        before = {c.id: c.fingerprint() for c in engine.inspect(foreign)}
        h = Hostlet(args.jar, engine, inst, folder, work)
        h.start()
        for nm in names:
            put(folder, nm, manifest(nm))
        target = random.randint(1, n - 5)
        t0 = time.time()
        wait_for(lambda: len(engine.ids("label=io.hostlet.instance=" + inst)) >= target, 60, step=0.05)
        got = len(engine.ids("label=io.hostlet.instance=" + inst))
        engine.kill()
        t.faults += 1
        t.trials += 1
        log("engine trial %d: dockerd SIGKILLed after %.1fs with %d/%d containers created" % (trial, time.time() - t0, got, n - 1))
        time.sleep(random.uniform(0.5, 3))
        engine.start()
        a = wait_for(lambda: (lambda a: a if converged(a) else None)(audit(engine, inst, desired)), args.converge_timeout, step=1)
        # a few more passes (resync 2s): a duplicate made late must show too
        time.sleep(5)
        a = audit(engine, inst, desired)
        if not h.alive():
            t.add("other", 1, "trial %d: hostlet died (log %s)" % (trial, h.log))
        t.add("duplicates", a["dup"], "trial %d: %d duplicates" % (trial, a["dup"]))
        t.add("missing", len(a["missing"]), "trial %d: missing %s" % (trial, a["missing"][:5]))
        t.add("leftovers", len(a["leftovers"]) + len(a["extra"]), "trial %d: leftovers %s" % (trial, (a["leftovers"] + a["extra"])[:5]))
        after = {c.id: c.fingerprint() for c in engine.inspect(foreign)}
        touched = [before[i][1] for i in before if after.get(i) != before[i]]
        t.add("foreign", len(touched), "trial %d: foreign touched %s" % (trial, touched))
        orphans = [o for o in engine.orphan_tasks() if o not in seen_orphans]
        seen_orphans.update(orphans)
        if orphans:
            t.notes.append("trial %d: %d new container processes the engine lost track of (in its cgroup, unknown "
                           "to docker ps: the engine's doing, not hostlet's)" % (trial, len(orphans)))
        h.stop()
        engine.remove([c.id for c in engine.instance(inst)] + foreign)
    return t


# ------------------------------------------------------------------------------------------ scenario b
def scenario_hostlet(args, engine, work, vols):
    t = Tally("hostlet SIGKILL mid-apply (20 changes)")
    n = 20
    inst = "fb" + args.run_id
    folder = os.path.join(work, "m-" + inst)
    os.makedirs(folder)
    names = ["b-c%02d" % i for i in range(n)]
    h = Hostlet(args.jar, engine, inst, folder, work)

    def apply(gen):
        for nm in names:
            put(folder, nm, manifest(nm, env={"GEN": str(gen)}))

    def settled(gen):
        return (lambda a: a if converged(a) else None)(audit(engine, inst, names, "GEN", str(gen)))

    apply(0)
    h.start()
    if not wait_for(lambda: settled(0), args.converge_timeout):
        raise RuntimeError("20 containers did not converge; see " + h.log)
    # one change without a fault, to learn how long an apply takes: kill points are drawn within it
    t0 = time.time()
    apply(1)
    wait_for(lambda: settled(1), args.converge_timeout, step=0.2)
    span = max(1.0, time.time() - t0)
    log("hostlet: an apply of 20 changes takes %.1fs; kill points drawn in [0, %.1fs]" % (span, span))
    hashes = {1: None}
    for trial in range(args.hostlet_trials):
        gen = trial + 2
        apply(gen)
        time.sleep(random.uniform(0, span))
        h.kill()
        t.faults += 1
        t.trials += 1
        mid = audit(engine, inst, names, "GEN", str(gen))
        log("hostlet trial %d: SIGKILLed with %d/%d recreated, %d replacement names present" % (
            trial, n - len(mid["missing"]), n, len(mid["leftovers"])))
        h.start()
        a = wait_for(lambda: settled(gen), args.converge_timeout, step=0.5)
        time.sleep(3)
        a = audit(engine, inst, names, "GEN", str(gen))
        st = h.status() or {}
        t.add("duplicates", a["dup"], "trial %d: %d duplicates" % (trial, a["dup"]))
        t.add("missing", len(a["missing"]), "trial %d: not on the new spec: %s" % (trial, a["missing"][:5]))
        t.add("leftovers", len(a["leftovers"]) + len(a["extra"]), "trial %d: leftovers %s" % (trial, (a["leftovers"] + a["extra"])[:5]))
        hs = {c.spec_hash for c in a["containers"]}
        if len(hs) != 1 or hs & {hashes.get(gen - 1)}:
            t.add("other", 1, "trial %d: spec hashes %s" % (trial, sorted(map(str, hs))))
        hashes[gen] = next(iter(hs)) if len(hs) == 1 else None
        if not st.get("converged"):
            t.add("other", 1, "trial %d: status not converged: %s" % (trial, st.get("reason")))
    h.stop()
    engine.remove([c.id for c in engine.instance(inst)])
    return t


# ------------------------------------------------------------------------------------------ scenario c
class PythonCorpus:
    name = "faults/corpus.py"

    def write(self, folder):
        sys.path.insert(0, HERE)
        import corpus
        return [(c.path, c.kind + ": " + c.what, c.line_expected) for c in corpus.write(folder)]


class JavaCorpus:
    """src/test/java/io/hostlet/desired/HostileCorpus.write(Path), once it exists and is compiled."""
    name = "io.hostlet.desired.HostileCorpus"

    @staticmethod
    def available():
        return os.path.exists(os.path.join(ROOT, "target", "test-classes", "io", "hostlet", "desired", "HostileCorpus.class"))

    def write(self, folder):
        cp = os.path.join(ROOT, "target", "test-classes") + ":" + os.path.join(ROOT, "target", "classes")
        subprocess.run(["java", "-cp", cp, os.path.join(HERE, "WriteCorpus.java"), folder], check=True)
        cases = []
        for dirpath, dirs, files in os.walk(folder):
            for f in files:
                if f.endswith((".yaml", ".yml")) and not f.startswith("."):
                    rel = os.path.relpath(os.path.join(dirpath, f), folder)
                    cases.append((rel, "java corpus", not os.path.islink(os.path.join(dirpath, f))))
        return cases


def scenario_corpus(args, engine, work, vols):
    t = Tally("hostile manifests")
    inst = "fc" + args.run_id
    folder = os.path.join(work, "m-" + inst)
    stage = os.path.join(work, "corpus")
    os.makedirs(folder)
    names = ["c-c%d" % i for i in range(5)]
    for nm in names:
        put(folder, nm, manifest(nm))
    gen = JavaCorpus() if (args.corpus == "java" or (args.corpus == "auto" and JavaCorpus.available())) else PythonCorpus()
    cases = gen.write(stage)
    log("corpus: %d cases from %s" % (len(cases), gen.name))
    # the entries that block a reader forever or never end go last, so they cannot hide the others' results
    special = ("special-fifo", "symlink-devzero", "symlink-urandom")
    cases.sort(key=lambda c: any(c[0].startswith(s) for s in special))
    if args.corpus_limit:
        cases = cases[:args.corpus_limit]
    h = Hostlet(args.jar, engine, inst, folder, work)
    h.start()
    if not wait_for(lambda: converged(audit(engine, inst, names)), args.converge_timeout):
        raise RuntimeError("5 containers did not converge; see " + h.log)
    ids = {c.name: c.id for c in audit(engine, inst, names)["containers"]}
    pid = h.pid
    max_rss = h.rss_kb()
    silent, noline, crashes, dead_loops = [], [], 0, 0
    batch = args.corpus_batch
    for b in range(0, len(cases), batch):
        chunk = cases[b:b + batch]
        tops = sorted({c[0].split("/")[0] for c in chunk})
        for top in tops:
            os.rename(os.path.join(stage, top), os.path.join(folder, top))
        t.faults += len(chunk)
        t.trials += len(chunk)
        reported = {}

        def all_reported():
            nonlocal max_rss
            max_rss = max(max_rss, h.rss_kb())
            st = h.status()
            if st is None:
                return False
            for e in st.get("manifestErrors", []):
                f = (e.get("file") or "")
                for c in chunk:
                    if f == c[0] or f.endswith("/" + c[0]) or f == os.path.join(folder, c[0]):
                        if e.get("line") and e["line"] > 0:
                            reported[c[0]] = "line"
                        else:
                            reported.setdefault(c[0], "noline")
            return len(reported) == len(chunk) and all(v == "line" or not c[2] for c in chunk for v in [reported[c[0]]])
        wait_for(all_reported, args.corpus_wait, step=0.3)
        live = h.live_code()
        # the loop can die while the process and liveness stay up: its passes (resync 2s) stop advancing
        first = (h.status() or {}).get("lastReconcile")
        moving = wait_for(lambda: (h.status() or {}).get("lastReconcile") not in (None, first), 10, step=0.5)
        if h.alive() and not moving:
            dead_loops += 1
            t.add("other", 1, "batch %d (%s): no pass for 10s (lastReconcile stuck at %s) while liveness answers %s; "
                              "hostlet restarted to test the rest; see %s" % (b // batch, ", ".join(tops), first, live, h.log))
            h.kill()
            h.start()
            pid = h.pid
            wait_for(all_reported, args.corpus_wait, step=0.3)
        elif not h.alive() or h.pid != pid or live != 200:
            crashes += 1
            t.add("other", 1, "batch %d (%s): hostlet %s, liveness %s; see %s" % (
                b // batch, ", ".join(tops), "exited %s" % h.proc.poll() if not h.alive() else "alive", live, h.log))
            if not h.alive():
                h.start()
                pid = h.pid
        for c in chunk:
            r = reported.get(c[0])
            if r is None:
                silent.append(c)
            elif r == "noline" and c[2]:
                noline.append(c)
        now = {c.name: c.id for c in engine.instance(inst) if c.running}
        disturbed = [n for n in names if now.get(n) != ids[n]]
        if disturbed:
            t.add("missing", len(disturbed), "batch %d: running containers disturbed: %s" % (b // batch, disturbed))
            ids.update({n: now.get(n) for n in disturbed})
        for top in tops:
            p = os.path.join(folder, top)
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p)
            else:
                os.unlink(p)
        log("corpus batch %d: %d cases, %d silent so far, max RSS %d MB" % (b // batch, len(chunk), len(silent), max_rss // 1024))
    t.add("other", len(silent), "%d files got no error in status: %s" % (len(silent), [c[0] for c in silent][:12]))
    t.add("other", len(noline), "%d files got an error without a line: %s" % (len(noline), [c[0] for c in noline][:12]))
    if max_rss > args.max_rss_mb * 1024:
        t.add("other", 1, "max RSS %d MB over the bound %d MB" % (max_rss // 1024, args.max_rss_mb))
    t.notes.append("max RSS %d MB" % (max_rss // 1024))
    t.rss = max_rss
    log("corpus: max RSS %d MB; silent %d; no line %d; hostlet deaths %d; dead loops %d" % (max_rss // 1024, len(silent), len(noline), crashes, dead_loops))
    for c in silent:
        log("  silent: %r (%s)" % (c[0], c[1]))
    for c in noline:
        log("  no line: %r (%s)" % (c[0], c[1]))
    h.stop()
    engine.remove([c.id for c in engine.instance(inst)])
    return t


# ------------------------------------------------------------------------------------------ main
def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine-name", required=True)
    p.add_argument("--jar", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--quick", action="store_true", help="2 / 5 / whole corpus / 1 volume check: ~5 minutes")
    p.add_argument("--engine-trials", type=int)
    p.add_argument("--hostlet-trials", type=int)
    p.add_argument("--corpus", choices=["auto", "python", "java"], default="auto")
    p.add_argument("--corpus-limit", type=int, default=0)
    p.add_argument("--corpus-batch", type=int, default=10)
    p.add_argument("--corpus-wait", type=float, default=20)
    p.add_argument("--max-rss-mb", type=int, default=400)
    p.add_argument("--converge-timeout", type=float, default=120)
    p.add_argument("--only", default="engine,hostlet,corpus", help="comma list of engine,hostlet,corpus")
    p.add_argument("--seed", type=int)
    args = p.parse_args()
    args.engine_trials = args.engine_trials if args.engine_trials is not None else (2 if args.quick else 10)
    args.hostlet_trials = args.hostlet_trials if args.hostlet_trials is not None else (5 if args.quick else 30)
    args.run_id = "%04x" % random.randrange(16 ** 4)
    seed = args.seed if args.seed is not None else random.randrange(10 ** 6)
    random.seed(seed)
    log("run %s, seed %d, work folder %s" % (args.run_id, seed, args.work))

    # SIGTERM (run.sh's trap, a CI timeout) unwinds through the finally blocks, so no hostlet outlives the run
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    engine = Engine(args.engine_name)
    vols = Volumes(args, engine, args.work)
    tallies = []
    try:
        vols.write()
        only = args.only.split(",")
        for key, fn in (("engine", scenario_engine), ("hostlet", scenario_hostlet), ("corpus", scenario_corpus)):
            if key in only:
                log("scenario %s" % key)
                try:
                    tallies.append(fn(args, engine, args.work, vols))
                except Exception as e:  # a scenario that cannot finish is a loss of its own, not the end of the run
                    t = Tally(key)
                    t.add("other", 1, "scenario aborted: %s" % e)
                    tallies.append(t)
                finally:
                    for h in Hostlet.started:
                        if h is not vols.hostlet:
                            h.stop()
        vols.tally.trials = 1
        if not vols.hostlet.alive():
            vols.tally.add("other", 1, "the volumes' hostlet died; see " + vols.hostlet.log)
            vols.hostlet.start()
        wait_for(lambda: converged(audit(engine, vols.instance, ["vol-named", "vol-anon"])), 60)
        vols.check("after the faults")
        vols.recreate()
        vols.check("after a spec change recreated them")
    finally:
        for h in Hostlet.started:
            h.stop()
        try:
            engine.remove([c.id for c in engine.instance(vols.instance)])
        except Exception:
            pass
    tallies.append(vols.tally)

    print()
    print("hostlet fault suite (%s mode, run %s, seed %d, engine %s)" % ("quick" if args.quick else "full", args.run_id, seed,
                                                                       engine.docker("version", "--format", "{{.Server.Version}}").strip()))
    hdr = ("scenario", "trials", "faults") + LOSS_KINDS
    rows = [(t.scenario, t.trials, t.faults) + tuple(t.loss[k] for k in LOSS_KINDS) for t in tallies]
    widths = [max(len(str(r[i])) for r in rows + [hdr]) for i in range(len(hdr))]
    for r in [hdr] + rows:
        print("  ".join(str(v).ljust(widths[i]) if i == 0 else str(v).rjust(widths[i]) for i, v in enumerate(r)))
    losses = sum(t.total() for t in tallies)
    print("losses: %d" % losses)
    for t in tallies:
        for n in t.notes:
            print("  %s: %s" % (t.scenario, n))
    print("logs: %s" % args.work)
    return 1 if losses else 0


if __name__ == "__main__":
    sys.exit(main())
