package io.hostlet.desired.git;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryIdsTest {

    @Test
    void eachHostsDeliveryHeaderNamesADelivery() {
        assertThat(DeliveryIds.of(Map.of("X-GitHub-Delivery", "a")::get)).hasValue("x-github-delivery:a");
        assertThat(DeliveryIds.of(Map.of("X-Gitea-Delivery", "b")::get)).hasValue("x-gitea-delivery:b");
        assertThat(DeliveryIds.of(Map.of("Idempotency-Key", "c", "X-Gitlab-Event-UUID", "d")::get))
                .as("GitLab's retry-stable key wins over the event id").hasValue("idempotency-key:c");
        assertThat(DeliveryIds.of(Map.of("X-Gitlab-Event-UUID", "d")::get)).hasValue("x-gitlab-event-uuid:d");
    }

    @Test
    void aRequestWithoutOrWithAnAbsurdIdIsNeverARepeat() {
        assertThat(DeliveryIds.of(Map.<String, String>of()::get)).isEmpty();
        assertThat(DeliveryIds.of(Map.of("X-GitHub-Delivery", " ")::get)).isEmpty();
        assertThat(DeliveryIds.of(Map.of("X-GitHub-Delivery", "x".repeat(129))::get)).isEmpty();
    }

    @Test
    void anIdIsNewOnceAndMemoryIsBounded() {
        DeliveryIds ids = new DeliveryIds();
        assertThat(ids.firstTime("a")).isTrue();
        assertThat(ids.firstTime("a")).isFalse();
        for (int i = 0; i < 5000; i++) {
            ids.firstTime("id-" + i);
        }
        assertThat(ids.size()).isEqualTo(DeliveryIds.CAPACITY);
        assertThat(ids.firstTime("a")).as("the oldest ids are forgotten first").isTrue();
        assertThat(ids.firstTime("id-4999")).isFalse();
    }
}
