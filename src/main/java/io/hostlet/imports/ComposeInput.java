package io.hostlet.imports;

import io.hostlet.manifest.Dotenv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a compose file is read with, read as compose reads it: the file's text and the variables it is interpolated
 * with, the environment over the {@code .env} beside it ({@link Dotenv#parseCompose}: quotes, comments and
 * {@code ${}} inside {@code .env}). Both files must be UTF-8: a byte that is not is an error naming its line, column
 * and value. The import command and the folder source read compose files through this one class.
 *
 * @param file      the compose file as named (for reports)
 * @param text      its content
 * @param dir       its folder
 * @param variables the environment over the {@code .env} file
 */
public record ComposeInput(String file, String text, Path dir, Map<String, String> variables) {

    /** A file that cannot be read as compose's input; its message is {@code file:line:col: why}. */
    public static final class Unreadable extends Exception {
        Unreadable(String file, int line, int col, String why) {
            super(file + ":" + line + ":" + col + ": " + why, null, false, false);
        }
    }

    /** Reads {@code compose} and the {@code .env} beside it, with {@code environment} over the latter. */
    public static ComposeInput read(Path compose, Map<String, String> environment) throws Unreadable {
        Path dir = compose.toAbsolutePath().normalize().getParent();
        String text = utf8(compose.toString(), compose);
        Map<String, String> variables = new HashMap<>();
        Path env = dir.resolve(".env");
        if (Files.isRegularFile(env)) {
            String name = compose.getParent() == null ? ".env" : compose.resolveSibling(".env").toString();
            Dotenv.Result r = Dotenv.parseCompose(utf8(name, env), environment::get);
            if (!r.ok()) {
                throw new Unreadable(name, r.line(), 1, r.error());
            }
            r.values().forEach(v -> variables.put(v.name(), v.value()));
        }
        variables.putAll(environment); // the environment wins over .env, as in compose
        return new ComposeInput(compose.toString(), text, dir, Map.copyOf(variables));
    }

    /** {@code COMPOSE_PROFILES}, comma-separated, as compose reads it; empty when unset. */
    public List<String> profiles() {
        String p = variables.get("COMPOSE_PROFILES");
        return p == null ? List.of() : Arrays.stream(p.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** The text of {@code path}, or where its first byte that is not UTF-8 is. */
    static String utf8(String name, Path path) throws Unreadable {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new Unreadable(name, 1, 1, "cannot read it: " + e.getMessage());
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            int at = firstInvalid(bytes);
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            String prefix = new String(bytes, lineStart, at - lineStart, StandardCharsets.UTF_8);
            int col = prefix.codePointCount(0, prefix.length()) + 1;
            throw new Unreadable(name, line, col, String.format("not UTF-8: byte 0x%02X at offset %d (save the file"
                    + " as UTF-8)", bytes[at] & 0xff, at));
        }
    }

    /** The offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
    private static int firstInvalid(byte[] b) {
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            int n = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
            if (n < 0 || i + n >= b.length) {
                return i;
            }
            CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
            try {
                d.decode(ByteBuffer.wrap(b, i, n + 1));
            } catch (CharacterCodingException e) {
                return i;
            }
            i += n + 1;
        }
        return b.length - 1;
    }
}
