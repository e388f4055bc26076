package io.hostlet.desired;

import io.hostlet.manifest.ManifestError;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Where a manifest file stops being UTF-8 text: the line and column of its first bad byte, so the error points at it. */
final class Utf8 {

    private Utf8() {
    }

    /** The error for the first byte of {@code bytes} that is not UTF-8, at its line and column; null when all is. */
    static ManifestError firstError(String file, byte[] bytes) {
        if (ascii(bytes)) {
            return null; // most manifests: no decoder, no 16 KB buffer
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult r = decoder.decode(in, out, true); // end of input: a cut-off sequence is an error too
            if (r.isError()) {
                return at(file, bytes, in.position());
            }
            if (!r.isOverflow()) {
                return null; // underflow with everything read: all of it is UTF-8
            }
            out.clear(); // only the verdict matters, not the text
        }
    }

    private static boolean ascii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static ManifestError at(String file, byte[] bytes, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        String what = offset < bytes.length ? String.format("byte 0x%02x", bytes[offset] & 0xff) : "the end of the file";
        return new ManifestError(file, line, offset - lineStart + 1, "cannot read file: not valid UTF-8 (" + what
                + " at offset " + offset + "); manifests are UTF-8 text");
    }
}
