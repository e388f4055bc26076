package io.hostlet.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiTokenTest {

    private static final byte[] TOKEN = "s3cr3t-token".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "the token                      | Bearer s3cr3t-token       | GRANTED",
            "scheme in any case             | bearer s3cr3t-token       | GRANTED",
            "spaces around                  | '  Bearer  s3cr3t-token ' | GRANTED",
            "no header                      | NULL                      | MISSING",
            "another scheme                 | Basic czNjcjN0LXRva2Vu    | MISSING",
            "the scheme alone               | Bearer                    | MISSING",
            "an empty token                 | 'Bearer '                 | MISSING",
            "a prefix of the token          | Bearer s3cr3t             | WRONG",
            "the token and more             | Bearer s3cr3t-token2      | WRONG",
            "another case                   | Bearer S3CR3T-TOKEN       | WRONG",
    })
    void aHeaderIsCheckedAgainstTheToken(String why, String header, ApiToken.Verdict expected) {
        assertThat(ApiToken.check(TOKEN, header)).as(why).isEqualTo(expected);
    }

    @Test
    void theFileIsReadWithoutItsLineBreaksAndAtEveryCheck() throws Exception {
        Path f = tmp.resolve("token");
        Files.writeString(f, "s3cr3t-token\n");
        assertThat(ApiToken.check(f, "Bearer s3cr3t-token")).isEqualTo(ApiToken.Verdict.GRANTED);
        Files.writeString(f, "rotated\n");
        assertThat(ApiToken.check(f, "Bearer s3cr3t-token")).isEqualTo(ApiToken.Verdict.WRONG);
        assertThat(ApiToken.check(f, "Bearer rotated")).isEqualTo(ApiToken.Verdict.GRANTED);
    }

    @Test
    void aMissingOrEmptyFileRefusesEveryoneAndItsErrorNamesOnlyTheFile() throws Exception {
        Path missing = tmp.resolve("absent");
        assertThat(ApiToken.check(missing, "Bearer anything")).isEqualTo(ApiToken.Verdict.UNAVAILABLE);
        Path empty = Files.writeString(tmp.resolve("empty"), " \n");
        assertThat(ApiToken.check(empty, "Bearer ")).isEqualTo(ApiToken.Verdict.UNAVAILABLE);
        assertThatThrownBy(() -> ApiToken.read(empty)).hasMessage("hostlet.api.token-file " + empty + " is empty");
        assertThatThrownBy(() -> ApiToken.read(missing))
                .hasMessage("hostlet.api.token-file " + missing + " cannot be read (NoSuchFileException)");
    }
}
