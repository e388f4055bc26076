package io.hostlet.observed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OwnershipTest {

    @ParameterizedTest(name = "{0} claiming {1}: {2}")
    @CsvSource(nullValues = "null", value = {
            "web, web, true",
            "web.next-0123abcd, web, true",
            "web-debug, web, false",
            "web.next-0123ABCD, web, false",
            "web.next-0123abc, web, false",
            "web.next-0123abcde, web, false",
            "web.next-0123abcd.next-0123abcd, web, false",
            "webx, web, false",
            "web, null, false",
            "web, '', false",
            "other.next-0123abcd, web, false",
    })
    void aContainerIsOursOnlyUnderTheNameItsLabelsClaim(String dockerName, String claimed, boolean owned) {
        assertThat(Ownership.owns(dockerName, claimed)).isEqualTo(owned);
    }

    @Test
    void replacementNamesAreOwnedAndWellFormed() {
        String n = Ownership.replacementName("web", "deadbeef");
        assertThat(n).isEqualTo("web.next-deadbeef");
        assertThat(Ownership.owns(n, "web")).isTrue();
        assertThatThrownBy(() -> Ownership.replacementName("web", "dead")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSnapshotSeparatesForeignCopiesFromOwnedContainers() {
        Map<String, String> labels = Map.of(Labels.MANAGED, "true", Labels.NAME, "web");
        ObservedContainer real = Containers.container("a", "web").image("img").labels(labels).state(ObservedContainer.State.RUNNING).created(Instant.EPOCH).networks(List.of()).build();
        ObservedContainer copy = Containers.container("b", "web-debug").image("img").labels(labels).state(ObservedContainer.State.RUNNING).created(Instant.EPOCH).networks(List.of()).build();
        ObservedState s = ObservedState.listed(List.of(real, copy), Map.of());
        assertThat(s.containers()).containsExactly(real);
        assertThat(s.foreignCopies()).containsExactly(copy);
        assertThat(s.withImages(Map.of()).foreignCopies()).containsExactly(copy);
        assertThat(s.withImages(Map.of()).containers()).containsExactly(real);
    }
}
