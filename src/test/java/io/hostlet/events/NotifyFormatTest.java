package io.hostlet.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotifyFormatTest {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    static final Event CRASH = Event.of(Instant.parse("2026-12-01T10:00:00Z"), EventKind.CRASH_LOOP, "web",
            "crash-looping: keeps exiting; last exit code 3", Map.of("code", 3)).withSeq(42);

    @Test
    void jsonIsTheEventAsTheApiShowsIt() throws Exception {
        NotifyFormat.Payload p = NotifyFormat.JSON.render(CRASH, JSON);
        assertThat(p.contentType()).isEqualTo("application/json");
        assertThat(p.headers()).isEmpty();
        JsonNode n = JSON.readTree(p.body());
        assertThat(n.path("seq").asLong()).isEqualTo(42);
        assertThat(n.path("kind").asText()).isEqualTo("crash-loop");
        assertThat(n.path("name").asText()).isEqualTo("web");
        assertThat(n.path("time").asText()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(n.path("details").path("code").asInt()).isEqualTo(3);
        java.util.List<String> fields = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("seq", "time", "kind", "name", "message", "details");
    }

    @Test
    void ntfyIsPlainTextWithTitleTagsAndPriorityHeaders() {
        NotifyFormat.Payload p = NotifyFormat.NTFY.render(CRASH, JSON);
        assertThat(p.contentType()).startsWith("text/plain");
        assertThat(p.body()).isEqualTo("crash-looping: keeps exiting; last exit code 3");
        assertThat(p.headers()).containsEntry("Title", "hostlet crash-loop: web")
                .containsEntry("Tags", "warning,crash-loop").containsEntry("Priority", "high");
        Event started = Event.of(CRASH.time(), EventKind.RECREATED, "web", "recreated: spec changed: image", Map.of());
        assertThat(NotifyFormat.NTFY.render(started, JSON).headers()).containsEntry("Priority", "default")
                .containsEntry("Tags", "recreated");
    }

    @Test
    void slackIsATextObject() throws Exception {
        NotifyFormat.Payload p = NotifyFormat.SLACK.render(CRASH, JSON);
        assertThat(p.contentType()).isEqualTo("application/json");
        JsonNode n = JSON.readTree(p.body());
        assertThat(n.size()).isEqualTo(1);
        assertThat(n.path("text").asText())
                .isEqualTo(":warning: hostlet crash-loop: web: crash-looping: keeps exiting; last exit code 3");
    }

    @Test
    void formatsAndKindsAreReadStrictly() {
        assertThat(NotifyFormat.of("NTFY")).isEqualTo(NotifyFormat.NTFY);
        assertThatThrownBy(() -> NotifyFormat.of("teams")).hasMessageContaining("json, ntfy or slack");
        assertThat(Notifier.kinds(List.of("crash-loop", " pull-failed", "update", "")))
                .containsExactlyInAnyOrder(EventKind.CRASH_LOOP, EventKind.PULL_FAILED, EventKind.RECREATED);
        assertThat(Notifier.kinds(List.of("all"))).isEqualTo(EnumSet.allOf(EventKind.class));
        assertThatThrownBy(() -> Notifier.kinds(List.of("crashloop"))).hasMessageContaining("'crashloop'");
    }

    @Test
    void theLoggedTargetKeepsNeitherPathNorQueryNorCredentials() {
        assertThat(Notifier.redacted(java.net.URI.create("https://u:p@hooks.slack.com/services/T0/B0/secret?x=1")))
                .isEqualTo("https://hooks.slack.com/...");
    }
}
