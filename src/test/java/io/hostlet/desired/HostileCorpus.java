package io.hostlet.desired;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A corpus of hostile manifest files for the parser and the folder reader: truncated, wrong types, huge scalars,
 * binary, deep nesting, alias bombs, many documents, odd Unicode (BOM, RTL, NUL, surrogates, line separators), YAML
 * oddities, and symlink loops and escapes. Deterministic (a fixed seed), about 2 MB in all, well under the folder
 * limits, so a hostlet pointed at it reads every file.
 *
 * <p>No file puts a container in force: each yields at least one error naming the file (with its line where the
 * problem has one), is empty and held, or (one file) claims one name twice, which holds the name. So pointing a running hostlet at the corpus creates and removes nothing; a test
 * can add its own valid files beside it. Also used by the fault suite: {@link #write(Path)} into a folder, then
 * check that every name in {@link #names()} shows up in status' {@code manifestErrors}.
 */
public final class HostileCorpus {

    /** Every manifest line a container can have, with a leading unknown field so that no prefix of it is valid. */
    private static final String BASE = """
            bogus: true
            apiVersion: hostlet.io/v1
            kind: Container
            metadata:
              name: hostile
              labels: {tier: "x"}
            spec:
              image: hostlet-test/none:0
              imagePullPolicy: Never
              command: ["/bin/sh"]
              args: ["-c", "sleep 1"]
              workingDir: /srv
              user: "1000:1000"
              env:
                - {name: MODE, value: prod}
              ports:
                - {containerPort: 80, hostPort: 18080, protocol: TCP, hostIP: 127.0.0.1}
              volumes:
                - {hostPath: /srv/site, mountPath: /site, readOnly: true}
              networks: [app]
              restartPolicy: Always
              resources: {memory: 256Mi, cpus: 0.5}
              stopGracePeriod: 10s
            """;

    /** A document whose problems are an unknown top-level field and {@code specLines}, added to the spec. */
    private static String spec(String specLines) {
        return """
                x-hostile: so that no file of the corpus is a valid manifest
                apiVersion: hostlet.io/v1
                kind: Container
                metadata: {name: hostile}
                spec:
                  image: hostlet-test/none:0
                  imagePullPolicy: Never
                """ + specLines.indent(2);
    }

    private HostileCorpus() {
    }

    /** The files {@link #write} makes that are not symlinks, by name, as bytes. */
    public static Map<String, byte[]> files() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        truncated(out);
        wrongTypes(out);
        huge(out);
        binary(out);
        deep(out);
        aliases(out);
        manyDocuments(out);
        unicode(out);
        oddities(out);
        committed(out);
        return out;
    }

    /** Symlinks {@link #write} makes: name to target (loops, escapes out of the folder, devices, dangling). */
    public static Map<String, String> symlinks() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("link-loop-a.yaml", "link-loop-b.yaml");
        out.put("link-loop-b.yaml", "link-loop-a.yaml");
        out.put("link-self.yaml", "link-self.yaml");
        out.put("link-dir-loop", ".");
        out.put("link-dangling.yaml", "/nonexistent/hostlet/manifest.yaml");
        out.put("link-escape-os-release.yaml", "/etc/os-release");
        out.put("link-escape-hostname.yaml", "/etc/hostname");
        out.put("link-escape-dev-zero.yaml", "/dev/zero");
        out.put("link-escape-dev-urandom.yaml", "/dev/urandom");
        out.put("link-escape-proc.yaml", "/proc/self/status");
        return out;
    }

    /**
     * The names (relative paths) that must each show up in the folder reader's errors (an empty one as held): every
     * file and every symlink ({@code link-dir-loop}'s error is the loop it makes).
     */
    public static List<String> names() {
        List<String> out = new ArrayList<>(files().keySet());
        out.addAll(symlinks().keySet());
        return out;
    }

    /**
     * Writes the corpus into {@code dir} (created if missing): {@link #files()} as they are and {@link #symlinks()}
     * where the file system allows them (skipped silently elsewhere).
     */
    public static void write(Path dir) {
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, byte[]> f : files().entrySet()) {
                Files.write(dir.resolve(f.getKey()), f.getValue());
            }
            for (Map.Entry<String, String> l : symlinks().entrySet()) {
                try {
                    Files.createSymbolicLink(dir.resolve(l.getKey()), Path.of(l.getValue()));
                } catch (UnsupportedOperationException | IOException e) {
                    // no symlinks here: the file cases still run
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void put(Map<String, byte[]> out, String name, String text) {
        out.put(name + ".yaml", text.getBytes(StandardCharsets.UTF_8));
    }

    /** Every prefix at 97 byte offsets and at each line end: a torn write at any point. */
    private static void truncated(Map<String, byte[]> out) {
        byte[] all = BASE.getBytes(StandardCharsets.UTF_8);
        for (int i = 1; i < all.length; i += 7) {
            out.put("truncated-at-" + i + ".yaml", java.util.Arrays.copyOf(all, i));
        }
    }

    private static void wrongTypes(Map<String, byte[]> out) {
        String[] fields = {"command", "args", "workingDir", "user", "env", "ports", "volumes", "networks",
                "restartPolicy", "resources", "stopGracePeriod", "healthcheck", "restartOnUnhealthy", "dependsOn",
                "imagePullPolicy"};
        String[] values = {"[a, b]", "{a: b}", "12345", "null", "true", "\"\"", "-1", "1.5e300", "!!binary aGk="};
        int n = 0;
        for (String f : fields) {
            for (int v = 0; v < values.length; v += (f.length() % 2) + 1) {
                put(out, "wrong-type-" + (n++) + "-" + f, spec(f + ": " + values[v]));
            }
        }
        put(out, "wrong-type-root-list", "- a\n- b\n");
        put(out, "wrong-type-root-scalar", "just words\n");
        put(out, "wrong-type-spec-list", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: x}\nspec: [1]\n");
        put(out, "wrong-type-kind", "apiVersion: hostlet.io/v1\nkind: Pod\nmetadata: {name: x}\nspec: {image: a}\n");
        put(out, "wrong-type-api-version", "apiVersion: v2\nkind: Container\nmetadata: {name: x}\nspec: {image: a}\n");
        put(out, "wrong-type-port-range", spec("ports: [{containerPort: 70000}]"));
        put(out, "wrong-type-memory", spec("resources: {memory: 99999999999999999999Ti}"));
        put(out, "wrong-type-env-item", spec("env: [\"A=B\"]"));
    }

    private static void huge(Map<String, byte[]> out) {
        put(out, "huge-duration-10k", spec("stopGracePeriod: " + "1m".repeat(5_000)));
        put(out, "huge-duration-60k", spec("stopGracePeriod: " + "1m".repeat(30_000)));
        put(out, "huge-duration-digits", spec("stopGracePeriod: " + "9".repeat(50_000) + "s"));
        put(out, "huge-image-70k", spec("").replace("hostlet-test/none:0", "a".repeat(70_000)));
        put(out, "huge-name-10k", spec("").replace("name: hostile", "name: " + "n".repeat(10_000)));
        put(out, "huge-key-70k", spec("k" .repeat(70_000) + ": 1"));
        put(out, "huge-env-value-200k", spec("env: [{name: A, value: \"" + "v".repeat(200_000) + "\"}]"));
        put(out, "huge-memory-digits", spec("resources: {memory: " + "1".repeat(100_000) + "}"));
        put(out, "huge-list-20k", spec("args: [" + "a,".repeat(20_000) + "a]"));
        put(out, "huge-mapping-20k", spec("").replace("metadata: {name: hostile}",
                "metadata: {name: hostile, labels: {" + manyKeys(20_000) + "}}"));
        put(out, "huge-file-over-1mib", spec("") + "# " + "x".repeat(1_100_000) + "\n");
        put(out, "huge-single-line", "a: " + "[x, ".repeat(10) + "y" + "]".repeat(10) + " ".repeat(300_000) + "\n");
        put(out, "huge-errors-many", spec(manyUnknownFields(400)));
    }

    private static String manyKeys(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ", ").append('k').append(i).append(": v");
        }
        return b.toString();
    }

    private static String manyUnknownFields(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("unknown").append(i).append(": ").append(i).append('\n');
        }
        return b.toString();
    }

    private static void binary(Map<String, byte[]> out) {
        Random r = new Random(20261130L);
        for (int i = 0; i < 8; i++) {
            byte[] b = new byte[64 << i];
            r.nextBytes(b);
            out.put("binary-random-" + b.length + ".yaml", b);
        }
        out.put("binary-nul-bytes.yaml", new byte[4096]);
        out.put("binary-gzip-header.yaml", new byte[]{0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 'a', 'b'});
        out.put("binary-elf-header.yaml", new byte[]{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0});
        out.put("binary-overlong-utf8.yaml", concat("kind: ", new byte[]{(byte) 0xC0, (byte) 0xAF}, "\n"));
        out.put("binary-lone-surrogate-utf8.yaml", concat("metadata: {name: \"", new byte[]{(byte) 0xED, (byte) 0xA0,
                (byte) 0x80}, "\"}\n"));
        out.put("binary-latin1.yaml", concat("metadata: {name: \"caf", new byte[]{(byte) 0xE9}, "\"}\n"));
        out.put("binary-utf16le-bom.yaml", utf16le(spec("")));
        put(out, "binary-control-chars", spec("workingDir: \"\u0001\u0002\u0007\u001b[31m\""));
        put(out, "binary-raw-escape", spec("workingDir: \u001b[2J"));
    }

    private static byte[] concat(String a, byte[] mid, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[x.length + mid.length + y.length];
        System.arraycopy(x, 0, all, 0, x.length);
        System.arraycopy(mid, 0, all, x.length, mid.length);
        System.arraycopy(y, 0, all, x.length + mid.length, y.length);
        return all;
    }

    private static byte[] utf16le(String s) {
        byte[] body = s.getBytes(StandardCharsets.UTF_16LE);
        byte[] all = new byte[body.length + 2];
        all[0] = (byte) 0xFF;
        all[1] = (byte) 0xFE;
        System.arraycopy(body, 0, all, 2, body.length);
        return all;
    }

    private static void deep(Map<String, byte[]> out) {
        put(out, "deep-flow-list-100", spec("args: " + "[".repeat(100) + "]".repeat(100)));
        put(out, "deep-flow-list-10000", spec("args: " + "[".repeat(10_000) + "]".repeat(10_000)));
        put(out, "deep-flow-map-1000", spec("labels: " + "{a: ".repeat(1000) + "b" + "}".repeat(1000)));
        put(out, "deep-unclosed-100000", "a: " + "[".repeat(100_000));
        StringBuilder block = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            block.append(" ".repeat(i)).append("a:\n");
        }
        put(out, "deep-block-map-200", block.toString());
        StringBuilder seq = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            seq.append(" ".repeat(i * 2)).append("-\n");
        }
        put(out, "deep-block-seq-200", seq.toString());
        put(out, "deep-mixed-49", spec("args: " + "[{a: ".repeat(24) + "x" + "}]".repeat(24)));
    }

    private static void aliases(Map<String, byte[]> out) {
        StringBuilder laughs = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            char p = (char) (c - 1);
            laughs.append(c).append(": &").append(c).append(" [").append(("*" + p + ",").repeat(8)).append('*').append(p)
                    .append("]\n");
        }
        put(out, "alias-billion-laughs", laughs.toString());
        put(out, "alias-billion-laughs-maps", laughs.toString().replace("[", "{k0: ").replace("]", "}")
                .replaceAll(",\\*(.)", ", k_$1: *$1"));
        StringBuilder doubling = new StringBuilder("x0: &x0 [a, a]\n");
        for (int i = 1; i < 40; i++) {
            doubling.append("x").append(i).append(": &x").append(i).append(" [*x").append(i - 1).append(", *x")
                    .append(i - 1).append("]\n");
        }
        put(out, "alias-doubling-40", doubling.toString());
        put(out, "alias-scalar-bomb", "x: &big \"" + "b".repeat(60_000) + "\"\n" + spec("args: [" + "*big, ".repeat(5_000) + "*big]"));
        put(out, "alias-scalar-bomb-in-env", "x: &v \"" + "v".repeat(60_000) + "\"\n"
                + spec("env: [" + "{name: A, value: *v}, ".repeat(2_000) + "{name: B, value: *v}]"));
        put(out, "alias-recursive-seq", spec("command: &c [a, *c]"));
        put(out, "alias-recursive-map", spec("labels: &m {a: *m}"));
        put(out, "alias-recursive-key", "&k [*k]: 1\n");
        put(out, "alias-undefined", spec("args: *nope"));
        put(out, "alias-merge-key", "base: &b {image: x}\n" + spec("<<: *b"));
        put(out, "alias-spec-is-metadata", "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: &m {name: web}\nspec: *m\n");
        put(out, "alias-many-scalars", "x: &s a\n" + spec("args: [" + "*s, ".repeat(9_999) + "*s]"));
    }

    private static void manyDocuments(Map<String, byte[]> out) {
        put(out, "documents-1001-empty-mappings", "---\n{}\n".repeat(1001));
        put(out, "documents-1001-invalid", "---\nkind: Container\n".repeat(1001));
        put(out, "documents-5000-separators-and-one-bad", "---\n".repeat(5000) + "bogus: 1\n");
        StringBuilder valid = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            valid.append("---\napiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: c").append(i)
                    .append("}\nspec: {image: hostlet-test/none:0, imagePullPolicy: Never}\n");
        }
        put(out, "documents-300-and-one-bad", valid + "---\nbogus: 1\n");
        String dup = "apiVersion: hostlet.io/v1\nkind: Container\nmetadata: {name: hostile-dup}\n"
                + "spec: {image: hostlet-test/none:0, imagePullPolicy: Never}\n";
        put(out, "documents-duplicate-names", dup + "---\n" + dup); // valid to the parser; the folder holds the name
    }

    private static void unicode(Map<String, byte[]> out) {
        put(out, "unicode-bom-then-bogus", "\uFEFF" + BASE);
        put(out, "unicode-bom-mid-file", spec("") + "\uFEFFbogus: 1\n");
        put(out, "unicode-rtl-override-name", spec("").replace("name: hostile", "name: \"web\u202Egpj.exe\""));
        put(out, "unicode-rtl-override-image", spec("").replace("hostlet-test/none:0", "\u202Enginx:1"));
        put(out, "unicode-nul-escaped", spec("workingDir: \"/srv\\0/x\""));
        put(out, "unicode-nul-raw", spec("workingDir: /srv\u0000x"));
        put(out, "unicode-surrogate-escape", spec("workingDir: \"\\ud800\""));
        put(out, "unicode-emoji-key", spec("\uD83D\uDE80: 1"));
        put(out, "unicode-emoji-name", spec("").replace("name: hostile", "name: web\uD83D\uDE80"));
        put(out, "unicode-zero-width-name", spec("").replace("name: hostile", "name: we\u200Bb"));
        put(out, "unicode-homoglyph-kind", spec("").replace("kind: Container", "kind: Cont\u0430iner"));
        put(out, "unicode-line-separator", spec("workingDir: /a\u2028bogus: 1"));
        put(out, "unicode-next-line", spec("workingDir: /a\u0085bogus: 1"));
        put(out, "unicode-fullwidth-colon", spec("workingDir\uFF1A /srv"));
        put(out, "unicode-nbsp-indent", spec("").replace("  image:", "\u00A0 image:"));
        put(out, "unicode-combining-marks", spec("").replace("name: hostile", "name: " + "e\u0301".repeat(5000)));
        put(out, "unicode-private-use", spec("workingDir: \uE000\uF8FF"));
        put(out, "unicode-noncharacter", spec("workingDir: \uFFFE"));
    }

    private static void oddities(Map<String, byte[]> out) {
        String[] odd = {"\u0000", "a: \"\\q\"", "*undefined", "? [a]\n: b\n", "!!map []", "!!seq {}", "!!int abc",
                "%YAML 1.1\n---\na: 1", "%TAG !e! tag:evil.com,2000:\n--- !e!x {}", "!<tag:example.com,2000:x> {}",
                "- - - -", "{a: 1, a: 1}", "key: |\n  text\n", "a: b: c", "\t- x", "[1, 2", "'unterminated",
                "a: 1\n...\nb: 2", "!!python/object:os.system {}", "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x\"]]]]",
                "--- !secret\napiVersion: hostlet.io/v1\n", "%YAML 9.9\n--- a", "a: !!binary \"not base64 ***\"",
                "<<: {a: 1}", "? |\n  block key\n: v\n", "a: &a 1\nb: &a 2\nc: *a\n", "a: 0x1F\nb: 0o17\nc: .inf\nd: .NaN\n",
                "a: 2001-12-14t21:59:43.10-05:00\n", "'a': 'b'\n\"a\": \"c\"\n", "a:\n- b\n  c: d\n"};
        for (int i = 0; i < odd.length; i++) {
            put(out, "odd-" + i, odd[i]);
        }
    }

    /** The committed files under {@code src/test/resources/hostile/}, when the test classpath has them. */
    private static void committed(Map<String, byte[]> out) {
        for (String name : List.of("stop-grace-1m-10k.yaml", "billion-laughs.yaml", "truncated-mid-key.yaml",
                "bom-rtl-name.yaml", "comments-only.yaml")) {
            try (InputStream in = HostileCorpus.class.getResourceAsStream("/hostile/" + name)) {
                if (in != null) {
                    out.put("committed-" + name, in.readAllBytes());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
