package io.hostlet.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A minimal ustar writer for the archive copied into a container before its first start: regular files only, with
 * the mode and owner the container must see. Owned here (a few lines) rather than taking a compression library for it.
 */
final class Tar {

    /** One regular file: {@code path} absolute in the container. */
    record Entry(String path, byte[] content, int mode, long uid, long gid) {}

    private Tar() {
    }

    /** The archive of {@code entries}, paths relative to {@code /}, closed by two zero blocks. */
    static byte[] of(List<Entry> entries, long mtimeSeconds) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Entry e : entries) {
            byte[] h = new byte[512];
            String path = e.path().startsWith("/") ? e.path().substring(1) : e.path();
            String name = path;
            String prefix = "";
            if (utf8(path).length > 100) {
                int cut = path.lastIndexOf('/', Math.min(path.length() - 1, 155));
                while (cut > 0 && (utf8(path.substring(cut + 1)).length > 100 || utf8(path.substring(0, cut)).length > 155)) {
                    cut = path.lastIndexOf('/', cut - 1);
                }
                if (cut <= 0) {
                    throw new IllegalArgumentException("path too long for a tar header: " + e.path());
                }
                prefix = path.substring(0, cut);
                name = path.substring(cut + 1);
            }
            put(h, 0, 100, utf8(name));
            octal(h, 100, 8, e.mode());
            octal(h, 108, 8, e.uid());
            octal(h, 116, 8, e.gid());
            octal(h, 124, 12, e.content().length);
            octal(h, 136, 12, mtimeSeconds);
            h[156] = '0';
            put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
            put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
            put(h, 345, 155, utf8(prefix));
            for (int i = 148; i < 156; i++) {
                h[i] = ' ';
            }
            long sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            octal(h, 148, 7, sum);
            h[155] = ' ';
            out.writeBytes(h);
            out.writeBytes(e.content());
            int pad = (512 - e.content().length % 512) % 512;
            out.writeBytes(new byte[pad]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void put(byte[] h, int at, int len, byte[] v) {
        if (v.length > len) {
            throw new IllegalArgumentException("tar header field too long");
        }
        System.arraycopy(v, 0, h, at, v.length);
    }

    /** {@code v} in octal, zero-padded, NUL-terminated in a field of {@code len}. */
    private static void octal(byte[] h, int at, int len, long v) {
        String s = Long.toOctalString(v);
        if (s.length() > len - 1) {
            throw new IllegalArgumentException("tar header value too large: " + v);
        }
        s = "0".repeat(len - 1 - s.length()) + s;
        put(h, at, len, (s + "\0").getBytes(StandardCharsets.US_ASCII));
    }
}
