package io.hostlet.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RequestGuardTest {

    private static final RequestGuard GUARD = new RequestGuard(List.of("Hostlet.Example.COM", "192.168.1.5", "fd00::5"));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // why                                     | method | Host                      | Origin                          | Sec-Fetch-Site | allowed
            "curl on loopback                          | GET    | 127.0.0.1:8799            | NULL                            | NULL           | true",
            "localhost without a port                  | GET    | localhost                 | NULL                            | NULL           | true",
            "localhost in another case                 | GET    | LocalHost:8799            | NULL                            | NULL           | true",
            "IPv6 loopback with a port                 | GET    | [::1]:8799                | NULL                            | NULL           | true",
            "IPv6 loopback without one                 | GET    | [::1]                     | NULL                            | NULL           | true",
            "a configured name, any case               | GET    | hostlet.example.com:443   | NULL                            | NULL           | true",
            "a configured address                      | GET    | 192.168.1.5:8799          | NULL                            | NULL           | true",
            "a configured IPv6 address, bracketed      | GET    | [fd00::5]:8799            | NULL                            | NULL           | true",
            "DNS rebinding: a name not served          | GET    | evil.example:8799         | NULL                            | NULL           | false",
            "a name that ends like a served one        | GET    | evil-localhost:8799       | NULL                            | NULL           | false",
            "a served name as a subdomain              | GET    | localhost.evil.example    | NULL                            | NULL           | false",
            "an address not served                     | GET    | 10.0.0.1:8799             | NULL                            | NULL           | false",
            "a malformed port                          | GET    | localhost:80x             | NULL                            | NULL           | false",
            "a bare colon                              | GET    | 'localhost:'              | NULL                            | NULL           | false",
            "userinfo smuggled in                      | GET    | localhost@evil.example    | NULL                            | NULL           | false",
            "no Host                                   | GET    | NULL                      | NULL                            | NULL           | false",
            "an unbracketed IPv6 host                  | GET    | ::1                       | NULL                            | NULL           | false",
            "a cross-site GET only reads               | GET    | 127.0.0.1:8799            | http://evil.example             | cross-site     | true",
            "the CLI's POST: no browser headers        | POST   | 127.0.0.1:8799            | NULL                            | NULL           | true",
            "a forge's webhook: no browser headers     | POST   | hostlet.example.com       | NULL                            | NULL           | true",
            "the status page's own POST                | POST   | 127.0.0.1:8799            | http://127.0.0.1:8799           | same-origin    | true",
            "typed in the address bar                  | POST   | 127.0.0.1:8799            | NULL                            | none           | true",
            "cross-site text/plain POST                | POST   | 127.0.0.1:8799            | http://evil.example             | cross-site     | false",
            "same-site but another origin              | POST   | 127.0.0.1:8799            | http://127.0.0.1:3000           | same-site      | false",
            "Sec-Fetch-Site in another case            | POST   | 127.0.0.1:8799            | NULL                            | Cross-Site     | false",
            "old browser: Origin is this server        | POST   | localhost:8799            | http://localhost:8799           | NULL           | true",
            "old browser: Origin of another port       | POST   | localhost:8799            | http://localhost:3000           | NULL           | false",
            "old browser: Origin of another site       | POST   | localhost:8799            | http://evil.example             | NULL           | false",
            "old browser: an opaque Origin             | POST   | localhost:8799            | null                            | NULL           | false",
            "PUT from another site                     | PUT    | localhost:8799            | http://evil.example             | NULL           | false",
            "DELETE from another site                  | DELETE | localhost:8799            | https://evil.example            | cross-site     | false",
            "a POST with a rebinding Host              | POST   | evil.example:8799         | http://evil.example:8799        | same-origin    | false",
    })
    void decides(String why, String method, String host, String origin, String site, boolean allowed) {
        RequestGuard.Verdict v = GUARD.check(method, host, origin, site);
        assertThat(v.allowed()).as(why + ": " + v.reason()).isEqualTo(allowed);
        if (!allowed) {
            assertThat(v.reason()).isNotBlank();
        }
    }

    @Test
    void servesTheLoopbackNamesAndTheConfiguredOnes() {
        assertThat(new RequestGuard(List.of()).hosts()).containsExactlyInAnyOrder("localhost", "127.0.0.1", "[::1]");
        assertThat(GUARD.hosts()).contains("hostlet.example.com", "192.168.1.5", "[fd00::5]");
        assertThat(new RequestGuard(List.of("proxy.lan:8443", "[fd00::7]:1", " ", "::2")).hosts())
                .as("a port written in the setting matches any port").contains("proxy.lan", "[fd00::7]", "[::2]");
    }

    @Test
    void aRefusalNeverEchoesWhatTheCallerSent() {
        RequestGuard.Verdict v = GUARD.check("POST", "localhost", null, "\"}<script>");
        assertThat(v.allowed()).isFalse();
        assertThat(v.reason()).doesNotContain("script").doesNotContain("\"");
        assertThat(GUARD.check("GET", "\"evil\":1", null, null).reason()).doesNotContain("evil");
    }
}
