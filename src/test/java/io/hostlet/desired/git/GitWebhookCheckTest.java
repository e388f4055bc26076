package io.hostlet.desired.git;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** Webhook authenticity (GitHub, Gitea, GitLab styles) and the ref a push names. */
class GitWebhookCheckTest {

    private static final byte[] SECRET = "It's a Secret to Everybody".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);

    private static Function<String, String> headers(String... namesAndValues) {
        Map<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return m::get;
    }

    @Test
    void gitHubsDocumentedExampleVerifies() {
        // The test vector from GitHub's "Validating webhook deliveries" documentation.
        String sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assertThat(WebhookCheck.authentic(SECRET, headers("X-Hub-Signature-256", sig), BODY)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            github signature, right        | X-Hub-Signature-256 | sha256=%s      | right | true
            github signature, upper-case   | X-Hub-Signature-256 | SHA256=%S      | right | true
            github signature, wrong secret | X-Hub-Signature-256 | sha256=%s      | wrong | false
            github signature, no prefix    | X-Hub-Signature-256 | %s             | right | false
            github signature, sha1 prefix  | X-Hub-Signature-256 | sha1=%s        | right | false
            github signature, not hex      | X-Hub-Signature-256 | sha256=zz%s    | right | false
            github signature, truncated    | X-Hub-Signature-256 | sha256=abcd    | right | false
            gitea signature, right         | X-Gitea-Signature   | %s             | right | true
            gitea signature, wrong secret  | X-Gitea-Signature   | %s             | wrong | false
            gitea signature, empty         | X-Gitea-Signature   | ''             | right | false
            gitlab token, right            | X-Gitlab-Token      | It's a Secret to Everybody | right | true
            gitlab token, wrong            | X-Gitlab-Token      | It's a Secret to Everybod  | right | false
            gitlab token, empty            | X-Gitlab-Token      | ''             | right | false
            """)
    void aSignatureOrTokenIsCheckedAgainstTheSecret(String name, String header, String template, String key, boolean ok) {
        byte[] mac = WebhookCheck.hmac(key.equals("right") ? SECRET : "wrong".getBytes(), BODY);
        String value = template.contains("%") ? String.format(template, HexFormat.of().formatHex(mac)) : template;
        assertThat(WebhookCheck.authentic(SECRET, headers(header, value), BODY)).isEqualTo(ok);
    }

    @Test
    void aRequestWithoutAnySignatureIsNotAuthentic() {
        assertThat(WebhookCheck.authentic(SECRET, headers(), BODY)).isFalse();
        assertThat(WebhookCheck.authentic(SECRET, headers("X-Hub-Signature", "sha1=abc"), BODY)).isFalse();
    }

    @Test
    void aSignatureOverAnotherBodyIsNotAuthentic() {
        String sig = "sha256=" + HexFormat.of().formatHex(WebhookCheck.hmac(SECRET, "other".getBytes()));
        assertThat(WebhookCheck.authentic(SECRET, headers("X-Hub-Signature-256", sig), BODY)).isFalse();
    }

    @Test
    void theFirstSignatureHeaderPresentDecides() {
        // A right GitLab token does not rescue a wrong GitHub signature.
        assertThat(WebhookCheck.authentic(SECRET, headers("X-Hub-Signature-256", "sha256=00",
                "X-Gitlab-Token", new String(SECRET, StandardCharsets.UTF_8)), BODY)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            github push              | {"ref":"refs/heads/main","before":"0"}                      | refs/heads/main
            gitlab push              | {"object_kind":"push","ref":"refs/heads/dev"}              | refs/heads/dev
            tag push                 | {"ref":"refs/tags/v1"}                                     | refs/tags/v1
            github form encoding     | payload=%7B%22ref%22%3A%22refs%2Fheads%2Fmain%22%7D        | refs/heads/main
            ping without a ref       | {"zen":"Keep it logically awesome."}                       |
            ref that is not text     | {"ref":42}                                                 |
            not json                 | hello                                                      |
            empty                    | ''                                                         |
            """)
    void theRefIsReadFromThePayload(String name, String body, String ref) {
        assertThat(WebhookCheck.ref(body.getBytes(StandardCharsets.UTF_8))).isEqualTo(Optional.ofNullable(ref));
    }
}
