package io.hostlet.engine;

import io.hostlet.desired.DesiredState;
import io.hostlet.engine.Engine;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.manifest.ContainerSpec;
import io.hostlet.manifest.RestartPolicy;
import io.hostlet.manifest.SourceRef;
import io.hostlet.observed.LastRun;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import io.hostlet.plan.Plan;
import io.hostlet.plan.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** An engine for unit tests: answers the calls crash reports and image pulls make, refuses the rest. */
public class FakeEngine implements Engine {
    public LastRun run;
    public List<String> tail = List.of("starting", "boom");
    public final List<String> calls = new ArrayList<>();

    @Override
    public List<String> logTail(String id, int lines) {
        calls.add("logs " + id + " " + lines);
        return tail;
    }

    @Override
    public LastRun lastRun(String id) {
        calls.add("inspect " + id);
        return run;
    }

    @Override
    public long apiCalls() {
        return calls.size();
    }

    // ---- not used by crash reports
    @Override
    public String ping() {
        throw new UnsupportedOperationException();
    }

    @Override
    public ObservedState observe() {
        throw new UnsupportedOperationException();
    }

    @Override
    public String createNetwork(String name, Map<String, String> labels) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void removeNetwork(String id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public io.hostlet.observed.LocalImages listImages() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void removeImage(String reference, String expectedId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void pullImage(String image) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String registryDigest(String image) {
        throw new UnsupportedOperationException();
    }

    @Override
    public io.hostlet.observed.LocalImage localImage(String image) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String createContainer(ContainerManifest m, String name, Map<String, String> labels,
                                  java.util.List<io.hostlet.observed.AnonymousVolume> carried) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void renameContainer(String id, String newName) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void startContainer(String id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void stopContainer(String id, Duration grace) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void removeContainer(String id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public AutoCloseable events(Runnable onStart, Consumer<String> onEvent, Consumer<String> onEnd) {
        throw new UnsupportedOperationException();
    }

    /** Restart counts {@link #inspect} answers with, by container id (0 when absent). */
    public final Map<String, Integer> restartCounts = new java.util.HashMap<>();

    @Override
    public io.hostlet.observed.ContainerDetails inspect(String id) {
        calls.add("inspect " + id);
        return new io.hostlet.observed.ContainerDetails(id, id, "running", "img", "sha256:0", null, null, null,
                restartCounts.getOrDefault(id, 0), null, false, null, null);
    }

    @Override
    public void logs(String id, int tail, java.io.OutputStream out) throws java.io.IOException {
        calls.add("logs " + id + " " + tail);
        out.write(String.join("\n", this.tail).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}

