package io.hostlet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/v1/plan} and observe mode: a hostlet in observe mode plans every pass and acts on none, and the plan
 * it shows is exactly what the following pass performs once it may act.
 *
 * <p>Deterministic without timing: in observe mode nothing changes the engine or hostlet's books, so every pass plans
 * the same; hostlet is then restarted in act mode on the same engine, state folder and manifests, and its first
 * pass starts from the same desired state, observed state and (empty) backoffs and steps in flight, so it performs
 * that plan. Each step the executor performs is logged with its cause, which the test compares with the plan.
 */
class PlanIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The executor's line for each performed step: {@code created web (not found)}. */
    private static final Pattern STEP_LINE = Pattern.compile(
            "\\[Executor] (created|recreated|removed|started|restarted|pulled|renamed|finished the replacement of) "
                    + "(\\S+) \\((.*)\\)$");

    @Test
    void observeModeActsOnNothingAndThePlanIsExactlyWhatTheFollowingPassPerforms() throws IOException {
        String keep = hostlet.name("keep");
        String change = hostlet.name("change");
        String gone = hostlet.name("gone");
        String fresh = hostlet.name("fresh");
        hostlet.write(keep + ".yaml", Manifest.container(keep));
        hostlet.write(change + ".yaml", Manifest.container(change).env("MODE", "one"));
        hostlet.write(gone + ".yaml", Manifest.container(gone));
        InspectContainerResponse kept = hostlet.awaitRunning(keep);
        InspectContainerResponse changed = hostlet.awaitRunning(change);
        InspectContainerResponse removed = hostlet.awaitRunning(gone);

        hostlet.restartWith("-Dhostlet.mode=observe");
        hostlet.write(change + ".yaml", Manifest.container(change).env("MODE", "two"));
        hostlet.delete(gone + ".yaml");
        hostlet.write(fresh + ".yaml", Manifest.container(fresh));

        // Observe mode: nothing is created, recreated or removed, pass after pass.
        hostlet.holdsAcrossPasses(3, () -> {
            assertThat(hostlet.engine().container(fresh)).as("created in observe mode").isEmpty();
            assertThat(hostlet.engine().existing(change).getId()).isEqualTo(changed.getId());
            assertThat(hostlet.engine().existing(gone).getId()).isEqualTo(removed.getId());
            assertThat(hostlet.engine().existing(keep).getId()).isEqualTo(kept.getId());
        });
        // ... and status says why it is not converged.
        JsonNode status = hostlet.status();
        assertThat(status.path("mode").asText()).isEqualTo("observe");
        assertThat(status.path("converged").asBoolean(true)).isFalse();
        assertThat(status.path("reason").asText()).as("%s", status).isEqualTo("observe mode: 3 step(s) would run");
        assertThat(status.path("lastPass").path("actions").asInt(-1)).isZero();
        assertThat(hostlet.containerStatus(fresh).path("message").asText())
                .isEqualTo("observe mode: would CreateContainer (not found)");

        JsonNode plan = plan();
        assertThat(plan.path("mode").asText()).isEqualTo("observe");
        assertThat(plan.path("pass").asLong()).isPositive();
        List<String> acts = new ArrayList<>();
        for (JsonNode s : plan.path("steps")) {
            if (s.path("acts").asBoolean()) {
                acts.add(s.path("action").asText() + " " + s.path("target").asText());
            }
        }
        assertThat(acts).as("%s", plan).containsExactlyInAnyOrder("create container:" + fresh,
                "recreate container:" + change, "remove container:" + gone);
        String text = plan.path("text").asText();
        assertThat(text).contains("container:" + fresh + ", CreateContainer, not found")
                .contains("container:" + change + ", RecreateContainer, spec changed: env MODE")
                .contains("container:" + gone + ", RemoveContainer, ");
        assertThat(plan().path("text").asText()).as("planning again changes nothing").isEqualTo(text);

        // Act: the first pass performs exactly the plan's steps, with the plan's causes, and nothing else.
        long logFrom = Files.size(hostlet.process().log());
        hostlet.restart();
        hostlet.awaitRunning(fresh);
        await().untilAsserted(() -> {
            assertThat(hostlet.engine().container(gone)).isEmpty();
            assertThat(hostlet.engine().running(change).getId()).isNotEqualTo(changed.getId());
            assertThat(hostlet.status().path("converged").asBoolean()).isTrue();
        });
        InspectContainerResponse keptAfter = hostlet.engine().running(keep);
        assertThat(keptAfter.getId()).isEqualTo(kept.getId());
        assertThat(TestEngine.startedAt(keptAfter)).isEqualTo(TestEngine.startedAt(kept));
        assertThat(hostlet.status().path("mode").asText()).isEqualTo("act");

        List<String> performed = performedSince(logFrom, List.of(keep, change, gone, fresh));
        List<String> planned = new ArrayList<>();
        for (JsonNode s : plan.path("steps")) {
            if (s.path("acts").asBoolean()) {
                planned.add(s.path("step").asText() + " " + s.path("name").asText() + " (" + s.path("cause").asText()
                        + ")");
            }
        }
        assertThat(performed).as("log lines of performed steps").containsExactlyInAnyOrderElementsOf(planned);
    }

    @Test
    void planOfAConvergedHostIsEmptyAndSaysActMode() {
        String name = hostlet.name("calm");
        hostlet.write(name + ".yaml", Manifest.container(name));
        hostlet.awaitRunning(name);
        await().untilAsserted(() -> assertThat(hostlet.status().path("converged").asBoolean()).isTrue());

        JsonNode plan = plan();
        assertThat(plan.path("mode").asText()).isEqualTo("act");
        assertThat(plan.path("steps").isArray()).isTrue();
        assertThat(plan.path("steps")).isEmpty();
        assertThat(plan.path("text").asText()).isEmpty();
    }

    private static JsonNode plan() {
        HttpResponse<String> r = hostlet.process().get("/api/v1/plan");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The executor's step lines about {@code names} in hostlet's log after byte {@code from}, as plan steps. */
    private static List<String> performedSince(long from, List<String> names) throws IOException {
        byte[] all = Files.readAllBytes(hostlet.process().log());
        String tail = new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (String line : tail.split("\n")) {
            Matcher m = STEP_LINE.matcher(line);
            if (m.find() && names.contains(m.group(2))) {
                String step = switch (m.group(1)) {
                    case "created" -> "CreateContainer";
                    case "recreated" -> "RecreateContainer";
                    case "removed" -> "RemoveContainer";
                    default -> m.group(1);
                };
                out.add(step + " " + m.group(2) + " (" + m.group(3) + ")");
            }
        }
        return out;
    }
}
