package io.hostlet.api;

import io.hostlet.manifest.Specs;
import io.hostlet.manifest.ContainerSpec;
import io.hostlet.manifest.HealthCheck;
import io.hostlet.manifest.RestartPolicy;
import io.hostlet.plan.Plan;
import io.hostlet.plan.Step;
import io.hostlet.plan.Target;
import io.hostlet.reconcile.PlanPreview;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the container and plan endpoints show: secrets redacted, steps as the contract names them. */
class ContainerViewTest {

    @Test
    void theSpecShowsNoEnvValueNorCommandButKeepsTheRest() {
        ContainerSpec spec = Specs.spec("busybox:1").command(List.of("/bin/sh"))
                .args(List.of("-c", "curl -H 'Authorization: Bearer abc123' x")).workingDir("/srv").user("1000")
                .env(List.of(new ContainerSpec.EnvVar("TOKEN", "abc123"), new ContainerSpec.EnvVar("MODE", "prod")))
                .ports(List.of(new ContainerSpec.PortMapping(80, 8080, ContainerSpec.Protocol.TCP, null)))
                .networks(List.of("app")).restartPolicy(RestartPolicy.Always).stopGracePeriod(Duration.ofSeconds(3))
                .healthcheck(new HealthCheck(List.of("check", "--token=abc123"), null, null, null, 3, null))
                .restartOnUnhealthy(true).build();

        ContainerSpec r = ContainerResource.redacted(spec);

        assertThat(r.toString()).doesNotContain("abc123").doesNotContain("prod");
        assertThat(r.env()).extracting(ContainerSpec.EnvVar::name).containsExactly("TOKEN", "MODE");
        assertThat(r.env()).extracting(ContainerSpec.EnvVar::value).containsOnly("<redacted>");
        assertThat(r.command()).containsExactly("<redacted>");
        assertThat(r.args()).hasSize(2).containsOnly("<redacted>");
        assertThat(r.healthcheck().exec()).hasSize(2).containsOnly("<redacted>");
        assertThat(r.image()).isEqualTo("busybox:1");
        assertThat(r.ports()).isEqualTo(spec.ports());
        assertThat(r.networks()).containsExactly("app");
        assertThat(r.workingDir()).isEqualTo("/srv");
    }

    @Test
    void thePlanViewNamesEachStepAndRendersTheText() {
        Plan plan = Plan.of(new Plan.Phase(Plan.Kind.CONTAINERS, List.of(
                new Step.RemoveContainer("id1", "old", Duration.ofSeconds(1), "no manifest"),
                new Step.Wait(Target.container("web"), Step.Wait.Reason.DEPENDENCY, null, "waiting for db to be healthy"))));

        PlanResource.PlanView v = PlanResource.PlanView.of(new PlanPreview(4, "act", Instant.EPOCH, plan));

        assertThat(v.pass()).isEqualTo(4);
        assertThat(v.steps()).containsExactly(
                new PlanResource.StepView("CONTAINERS", "remove", "RemoveContainer", "container:old", "old",
                        "no manifest", true),
                new PlanResource.StepView("CONTAINERS", "wait", "Wait", "container:web", "web",
                        "waiting for db to be healthy", false));
        assertThat(v.text()).isEqualTo(plan.render());
    }
}
