package io.hostlet.lock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class InstanceLockTest {

    @TempDir
    Path state;

    @Test
    void oneHolderPerInstanceAndTheLockIsFreeAgainWhenReleased() throws Exception {
        try (InstanceLock first = new InstanceLock(state, "default");
             InstanceLock second = new InstanceLock(state, "default");
             InstanceLock other = new InstanceLock(state, "other")) {
            assertThat(first.tryAcquire()).isTrue();
            assertThat(second.tryAcquire()).isFalse();
            assertThat(second.held()).isFalse();
            assertThat(second.holder()).as("who holds it").isEqualTo("pid " + ProcessHandle.current().pid() + ", started "
                    + ProcessHandle.current().info().startInstant().orElseThrow());
            assertThat(other.tryAcquire()).as("another instance name is another lock").isTrue();

            first.close();
            assertThat(second.tryAcquire()).isTrue();
            assertThat(second.file()).isEqualTo(state.resolve("instance-default.lock"));
        }
    }

    @Test
    void anInstanceNameCannotPointTheLockElsewhere() {
        assertThat(new InstanceLock(state, "../../etc/x").file()).isEqualTo(state.resolve("instance-.._.._etc_x.lock"));
    }
}
