"""A corpus of hostile manifest files for the fault suite (issue 10, scenario c).

write(dir) fills dir and returns a list of Case: the path (relative to dir) that must get an error in status,
what it is, and whether the error can carry a line (an unreadable file has none). Every case is invalid by
design, so every case must be reported. Each case lives in its own top-level entry (a file, a symlink or a
folder), so the suite can drop them into the live folder one entry at a time.

This is the stand-in until src/test/java/io/hostlet/desired/HostileCorpus.java exists; the suite swaps it for
that one (see run.py, JavaCorpus) when its class is compiled. Stdlib only.
"""

import os
import random
from dataclasses import dataclass

MB = 1024 * 1024


@dataclass
class Case:
    path: str          # relative to the corpus folder: the file that must be named in an error
    kind: str          # family: truncated, types, huge, binary, deep, alias, docs, unicode, symlink, misc
    what: str
    line_expected: bool = True


HEAD = "apiVersion: hostlet.io/v1\nkind: Container\nmetadata:\n  name: {name}\n"
FULL_BODY = """spec:
  command: ["/bin/sh"]
  args: ["-c", "exec sleep 100000"]
  env:
    - {name: MODE, value: prod}
    - {name: OTHER, value: "two words"}
  ports:
    - {containerPort: 80, hostPort: 18080, protocol: TCP, hostIP: 127.0.0.1}
  volumes:
    - {name: data, mountPath: /data}
  restartPolicy: Always
  resources: {memory: 64Mi, cpus: 0.5}
  stopGracePeriod: 1s
  image: hostlet-test/busybox:1
"""


def _valid(name, spec_extra="", image="hostlet-test/busybox:1"):
    return HEAD.format(name=name) + "spec:\n  image: " + image + "\n" + spec_extra


class _Writer:
    def __init__(self, root):
        self.root = root
        self.cases = []
        self.n = 0

    def name(self):
        self.n += 1
        return "hx%03d" % self.n

    def file(self, kind, what, content, line=True, fname=None):
        fname = fname or "%s-%03d.yaml" % (kind, len(self.cases))
        path = os.path.join(self.root, fname)
        data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
        with open(path, "wb") as f:
            f.write(data)
        self.cases.append(Case(fname, kind, what, line))
        return fname


def write(root):
    """Writes the corpus into root (created if missing); returns the cases."""
    os.makedirs(root, exist_ok=True)
    w = _Writer(root)
    rnd = random.Random(10)

    # ---- truncated: a full manifest cut before its last required field (image), at 30 points
    for i in range(30):
        full = HEAD.format(name=w.name()) + FULL_BODY
        at = 1 + (full.index("  image:") - 1) * i // 30
        w.file("truncated", "cut at byte %d of %d" % (at, len(full)), full[:at])
    w.file("truncated", "torn mid-flow-sequence", HEAD.format(name=w.name()) + "spec:\n  image: x:1\n  args: [\"-c\", \"ex")
    w.file("truncated", "torn mid-quoted-scalar", HEAD.format(name=w.name()) + "spec:\n  image: \"hostlet-te")

    # ---- wrong types, one field at a time
    wrong = [
        ("env is a string", "  env: MODE=prod\n"),
        ("env entry is a list", "  env: [[MODE, prod]]\n"),
        ("env value is a mapping", "  env: [{name: A, value: {x: 1}]\n"),
        ("env name missing", "  env: [{value: x}]\n"),
        ("env names duplicate", "  env: [{name: A, value: x}, {name: A, value: y}]\n"),
        ("ports is a number", "  ports: 5\n"),
        ("containerPort is text", "  ports: [{containerPort: abc}]\n"),
        ("containerPort out of range", "  ports: [{containerPort: 70000}]\n"),
        ("containerPort negative", "  ports: [{containerPort: -1}]\n"),
        ("hostPort is a float", "  ports: [{containerPort: 80, hostPort: 80.5}]\n"),
        ("protocol unknown", "  ports: [{containerPort: 80, protocol: SCTPX}]\n"),
        ("hostIP not an address", "  ports: [{containerPort: 80, hostPort: 1, hostIP: not-an-ip}]\n"),
        ("volumes is a mapping", "  volumes: {a: 1}\n"),
        ("volume with name and hostPath", "  volumes: [{name: a, hostPath: /tmp, mountPath: /a}]\n"),
        ("volume mountPath relative", "  volumes: [{name: a, mountPath: data}]\n"),
        ("volume hostPath relative", "  volumes: [{hostPath: tmp, mountPath: /a}]\n"),
        ("restartPolicy a number", "  restartPolicy: 5\n"),
        ("restartPolicy unknown", "  restartPolicy: Sometimes\n"),
        ("memory a list", "  resources: {memory: [1]}\n"),
        ("memory too small", "  resources: {memory: 1Ki}\n"),
        ("memory unit unknown", "  resources: {memory: 5Qi}\n"),
        ("cpus text", "  resources: {cpus: lots}\n"),
        ("cpus zero", "  resources: {cpus: 0}\n"),
        ("stopGracePeriod boolean", "  stopGracePeriod: true\n"),
        ("stopGracePeriod over 10m", "  stopGracePeriod: 11m\n"),
        ("healthcheck a string", "  healthcheck: curl\n"),
        ("healthcheck exec and http", "  healthcheck: {exec: [a], http: {port: 80}\n"),
        ("healthcheck retries 0", "  healthcheck: {exec: [a], retries: 0}\n"),
        ("dependsOn a number", "  dependsOn: 3\n"),
        ("dependsOn unknown name", "  dependsOn: [{name: nobody-defines-this}]\n"),
        ("dependsOn condition unknown", "  dependsOn: [{name: x, condition: sleepy}]\n"),
        ("command a number", "  command: 5\n"),
        ("args a mapping", "  args: {a: b}\n"),
        ("user a list", "  user: [root]\n"),
        ("workingDir relative", "  workingDir: srv\n"),
        ("networks a string", "  networks: app\n"),
        ("network reserved", "  networks: [host]\n"),
        ("imagePullPolicy unknown", "  imagePullPolicy: Sometimes\n"),
        ("unknown field", "  imagee: x\n"),
        ("restartOnUnhealthy text", "  restartOnUnhealthy: perhaps\n"),
    ]
    for what, extra in wrong:
        w.file("types", what, _valid(w.name(), extra))
    top = [
        ("apiVersion v2", "apiVersion: hostlet.io/v2\nkind: Container\nmetadata: {name: %s}\nspec: {image: x:1}\n"),
        ("kind Pod", "apiVersion: hostlet.io/v1\nkind: Pod\nmetadata: {name: %s}\nspec: {image: x:1}\n"),
        ("metadata a list", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: [%s]\nspec: {image: x:1}\n"),
        ("spec a string", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: %s}\nspec: image\n"),
        ("image a list", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: %s}\nspec: {image: [a]}\n"),
        ("image upper case repository", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: %s}\nspec: {image: 'Web:1'}\n"),
        ("image empty", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: %s}\nspec: {image: ''}\n"),
        ("image with spaces", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: %s}\nspec: {image: 'a b:1'}\n"),
        ("labels a list", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: %s, labels: [a]}\nspec: {image: x:1}\n"),
        ("reserved label", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: %s, labels: {io.hostlet.managed: 'false'}\nspec: {image: x:1}\n"),
        ("document a list", "- %s\n- b\n"),
        ("document a scalar", "just-a-string-%s\n"),
        ("name null", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: null}\nspec: {image: x:1}\n# %s\n"),
        ("name upper case", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: UPPER-%s}\nspec: {image: x:1}\n"),
        ("name 64 chars", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: %s" + "a" * 60 + "}\nspec: {image: x:1}\n"),
        ("name path traversal", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: ../../etc/%s}\nspec: {image: x:1}\n"),
        ("name a timestamp", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: 2001-12-14t21:59:43.10-05:00}\nspec: {image: x:1}\n# %s\n"),
        ("python object tag", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: %s}\nspec: !!python/object/apply:os.system ['true']\n"),
        ("java object tag", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: %s}\nspec: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ['http://127.0.0.1:1/']]]]\n"),
        ("binary tag image", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: %s}\nspec: {image: !!binary aGVsbG8=}\n"),
        ("custom tag", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: %s}\nspec: !custom {image: x:1}\n"),
        ("duplicate keys", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: %s}\nspec: {image: x:1}\nspec: {image: y:1}\n"),
        ("tab indentation", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata:\n\tname: %s\nspec: {image: x:1}\n"),
        ("merge key into spec", "base: &b {image: x:1, bogus: 1}\napiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: %s}\nspec: {<<: *b}\n"),
        ("complex mapping key", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: %s}\nspec: {? [a, b] : c, image: x:1}\n"),
        ("directive garbage", "%%YAML 9.9\n---\napiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: %s}\nspec: {image: x:1}\n"),
    ]
    for what, tmpl in top:
        w.file("types", what, tmpl % w.name())

    # ---- huge: 10 MB scalars and long lists
    ten = "x" * (10 * MB)
    w.file("huge", "10 MB env value", _valid(w.name(), "  env: [{name: A, value: \"%s\"}]\n  bogus: 1\n" % ten))
    w.file("huge", "10 MB image", _valid(w.name(), image=ten))
    w.file("huge", "10 MB name", HEAD.format(name="a" * (10 * MB)) + "spec: {image: x:1}\n")
    w.file("huge", "10 MB key", _valid(w.name(), "  %s: 1\n" % ten))
    w.file("huge", "10 MB single line flow list", _valid(w.name(), "  args: [" + ",".join(["a"] * (5 * MB)) + "]\n  bogus: 1\n"))
    w.file("huge", "10 KB stopGracePeriod 1m1m1m", _valid(w.name(), "  stopGracePeriod: " + "1m" * 5000 + "\n"))
    w.file("huge", "1 MB stopGracePeriod 1m1m1m", _valid(w.name(), "  stopGracePeriod: " + "1m" * (MB // 2) + "\n"))
    w.file("huge", "1 MB memory 1k1k1k", _valid(w.name(), "  resources: {memory: " + "1k" * (MB // 2) + "}\n"))
    w.file("huge", "1 MB cpus digits", _valid(w.name(), "  resources: {cpus: 0." + "9" * MB + "}\n"))
    w.file("huge", "10^10000 port", _valid(w.name(), "  ports: [{containerPort: 1" + "0" * 10000 + "}]\n"))
    w.file("huge", "200k env entries", _valid(w.name(), "  env:\n" + "".join("    - {name: E%d, value: v}\n" % i for i in range(200000)) + "  bogus: 1\n"))
    w.file("huge", "100k ports", _valid(w.name(), "  ports:\n" + "    - {containerPort: 1}\n" * 100000))
    w.file("huge", "100k labels", HEAD.format(name=w.name()) + "  labels:\n" + "".join("    k%d: v\n" % i for i in range(100000)) + "spec: {image: x:1, bogus: 1}\n")
    w.file("huge", "1 MB comment, no image", HEAD.format(name=w.name()) + "#" + "c" * MB + "\nspec: {}\n")
    w.file("huge", "10 MB of newlines then invalid", "\n" * (10 * MB) + "spec: [\n")

    # ---- binary
    w.file("binary", "1 KB random bytes", bytes(rnd.getrandbits(8) for _ in range(1024)))
    w.file("binary", "1 MB random bytes", os.urandom(MB))
    w.file("binary", "NUL in a valid manifest", _valid(w.name()).replace("spec:", "sp\0ec:"))
    w.file("binary", "invalid UTF-8", _valid(w.name()).encode() + b"  env: [{name: A, value: \"\xff\xfe\xc3\x28\"}]\n  bogus: 1\n")
    w.file("binary", "UTF-16 with BOM", _valid(w.name(), "  bogus: 1\n").encode("utf-16"))
    w.file("binary", "UTF-32", _valid(w.name(), "  bogus: 1\n").encode("utf-32"))
    w.file("binary", "gzip magic", b"\x1f\x8b\x08\x00" + os.urandom(2048))
    w.file("binary", "ELF header", open("/bin/true", "rb").read()[:65536])
    w.file("binary", "control characters", _valid(w.name(), "  env: [{name: A, value: \"\x07\x08\x1b[31m\"}]\n  bogus: 1\n"))

    # ---- deep nesting
    w.file("deep", "10k nested flow lists", _valid(w.name(), "  args: " + "[" * 10000 + "]" * 10000 + "\n"))
    w.file("deep", "100k nested flow lists", _valid(w.name(), "  args: " + "[" * 100000 + "]" * 100000 + "\n"))
    w.file("deep", "100k unclosed flow maps", _valid(w.name(), "  args: " + "{a: " * 100000 + "\n"))
    w.file("deep", "10k nested flow maps", _valid(w.name(), "  env: " + "{a: " * 10000 + "1" + "}" * 10000 + "\n"))
    w.file("deep", "5k nested block maps", HEAD.format(name=w.name()) + "spec:\n" + "".join(" " * (i + 1) + "k:\n" for i in range(5000)) + " " * 5001 + "v\n")
    w.file("deep", "2k nested block lists", _valid(w.name(), "  args:\n" + "".join(" " * (2 + i) + "-\n" for i in range(2000)) + " " * 2003 + "x\n"))

    # ---- alias bombs
    lol = "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" + "".join(
        "a%d: &a%d [%s]\n" % (i, i, ",".join(["*a%d" % (i - 1)] * 9)) for i in range(1, 10))
    w.file("alias", "billion laughs at top level", lol)
    w.file("alias", "billion laughs in args", _valid(w.name(), "  args: &x0 [a, a, a, a, a, a, a, a, a]\n  command: &x1 [*x0, *x0, *x0, *x0, *x0, *x0, *x0, *x0, *x0]\n  user: &x2 [*x1, *x1, *x1, *x1, *x1, *x1, *x1, *x1, *x1]\n  workingDir: [*x2, *x2, *x2, *x2, *x2, *x2, *x2, *x2, *x2]\n"))
    w.file("alias", "billion laughs used as env", lol + HEAD.format(name=w.name()) + "spec: {image: x:1, env: *a9}\n")
    w.file("alias", "10k aliases of one anchor", HEAD.format(name=w.name()) + "spec:\n  image: x:1\n  command: &c [a]\n  args: [" + ",".join(["*c"] * 10000) + "]\n")
    w.file("alias", "undefined alias", HEAD.format(name=w.name()) + "spec: {image: *nothere}\n")
    w.file("alias", "anchor redefined 100k times", HEAD.format(name=w.name()) + "spec:\n  image: x:1\n  args: [" + ",".join("&a a" for _ in range(100000)) + "]\n  bogus: *a\n")

    # ---- many documents
    w.file("docs", "100k empty documents then an invalid one", "---\n" * 100000 + "spec: [\n")
    w.file("docs", "10k invalid documents", "".join("---\n" + _valid("d%d" % i, "  bogus: 1\n") for i in range(10000)))
    w.file("docs", "10k documents of one name", "".join("---\n" + _valid("same-name-docs") for _ in range(10000)))
    w.file("docs", "document end markers only", "...\n" * 100000 + "- x\n")

    # ---- odd Unicode
    odd = [
        ("RTL override in name", "ev\u202elive"),
        ("zero-width space in name", "we\u200bb"),
        ("Cyrillic a homoglyph", "\u0430pp"),
        ("fullwidth letters", "\uff57\uff45\uff42"),
        ("emoji", "web-\U0001F600"),
        ("combining marks", "we\u0301b"),
        ("Turkish dotless i", "\u0131mage"),
        ("NBSP", "we\u00a0b"),
        ("line separator U+2028", "we\u2028b"),
        ("NEL U+0085", "we\u0085b"),
        ("BOM mid-name", "we\ufeffb"),
        ("lone surrogate escape", "\"\\ud800\""),
        ("null escape", "\"a\\0b\""),
        ("ideographic space", "we\u3000b"),
        ("Hangul filler", "\u3164"),
    ]
    for what, nm in odd:
        w.file("unicode", what, HEAD.format(name=nm) + "spec: {image: x:1}\n")
    w.file("unicode", "homoglyph key (Cyrillic i in image)", HEAD.format(name=w.name()) + "spec: {\u0456mage: x:1}\n")
    w.file("unicode", "NBSP indentation", HEAD.format(name=w.name()) + "spec:\n\u00a0\u00a0image: x:1\n")
    w.file("unicode", "unicode file name", _valid(w.name(), "  bogus: 1\n"), fname="unicode-\u210c\u00e9\u200b.yaml")
    w.file("unicode", "file name with a newline", _valid(w.name(), "  bogus: 1\n"), fname="unicode-new\nline.yaml")
    w.file("unicode", "file name with ANSI escape", _valid(w.name(), "  bogus: 1\n"), fname="unicode-\x1b[31mred.yaml")
    w.file("unicode", "BOM then invalid", "\ufeff" + _valid(w.name(), "  bogus: 1\n"))

    # ---- symlinks (no line: nothing readable to point into)
    def link(target, fname, what, line=False):
        os.symlink(target, os.path.join(root, fname))
        w.cases.append(Case(fname, "symlink", what, line))
    link("symlink-loop-b.yaml", "symlink-loop-a.yaml", "two links in a loop (a)")
    link("symlink-loop-a.yaml", "symlink-loop-b.yaml", "two links in a loop (b)")
    link("symlink-self.yaml", "symlink-self.yaml", "a link to itself")
    link("/etc/passwd", "symlink-passwd.yaml", "escape to /etc/passwd")
    link("/etc/shadow", "symlink-shadow.yaml", "escape to /etc/shadow")
    link("../../../../../../../../etc/hostname", "symlink-rel-escape.yaml", "relative escape to /etc/hostname")
    link("/dev/zero", "symlink-devzero.yaml", "endless file /dev/zero")
    link("/dev/urandom", "symlink-urandom.yaml", "endless random /dev/urandom")
    link("/nonexistent/x.yaml", "symlink-dangling.yaml", "dangling link")
    link("/proc/self/environ", "symlink-environ.yaml", "escape to hostlet's own environment")
    # a folder that contains a link to its parent, and an invalid manifest to report
    os.makedirs(os.path.join(root, "symlink-dirloop"))
    os.symlink("..", os.path.join(root, "symlink-dirloop", "up"))
    os.symlink(".", os.path.join(root, "symlink-dirloop", "self"))
    with open(os.path.join(root, "symlink-dirloop", "inner.yaml"), "w") as f:
        f.write(_valid(w.name(), "  bogus: 1\n"))
    w.cases.append(Case("symlink-dirloop/inner.yaml", "symlink", "invalid file in a folder with link loops (.. and .)"))
    # a folder link out of the tree, with an invalid manifest planted behind it is not possible without writing
    # outside; a link to /etc as a folder tests the walk instead (nothing there may become desired state)
    os.makedirs(os.path.join(root, "symlink-etcdir"))
    os.symlink("/etc", os.path.join(root, "symlink-etcdir", "etc"))
    with open(os.path.join(root, "symlink-etcdir", "marker.yaml"), "w") as f:
        f.write(_valid(w.name(), "  bogus: 1\n"))
    w.cases.append(Case("symlink-etcdir/marker.yaml", "symlink", "beside a folder link to /etc"))
    fifo = os.path.join(root, "special-fifo.yaml")
    os.mkfifo(fifo)
    w.cases.append(Case("special-fifo.yaml", "symlink", "a FIFO named .yaml (a read blocks forever)", False))

    # ---- misc: fill up to 200 with mutated variants of the full manifest (one byte flipped to a YAML indicator)
    base = HEAD.format(name="mut") + FULL_BODY.replace("  image: hostlet-test/busybox:1\n", "  image: hostlet-test/busybox:1\n  bogus: 1\n")
    indicators = "[]{}:,&*!|>'\"%@`#-?"
    i = 0
    while len(w.cases) < 205:
        pos = rnd.randrange(len(HEAD), len(base))
        mutated = base[:pos] + indicators[i % len(indicators)] + base[pos + 1:]
        w.file("mutated", "byte %d set to %r" % (pos, indicators[i % len(indicators)]), mutated.replace("mut", w.name(), 1))
        i += 1
    return w.cases
