package io.hostlet.reconcile;

import io.hostlet.config.HostletConfig;
import io.hostlet.engine.Engine;
import io.hostlet.engine.EngineException;
import io.hostlet.manifest.ContainerManifest;
import io.hostlet.observed.ObservedContainer;
import io.hostlet.observed.ObservedState;
import io.hostlet.policy.Policy;
import io.hostlet.policy.PolicyRefusal;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the policy's bind-mount rules meet the engine, for the loop: what only the engine knows (its data-root, the
 * host side of hostlet's own mounts when it runs in a container), the check right before every create (with the
 * paths resolved and other containers' writable binds from the engine), and the containers whose binds now lead
 * through a planted symlink to a refused path.
 */
public final class BindMountGuard {

    private static final Logger LOG = Logger.getLogger(BindMountGuard.class);
    /** Docker mounts {@code <data-root>/containers/<id>/hostname} (and resolv.conf, hosts) into every container. */
    private static final Pattern OWN_ID = Pattern.compile("/containers/([0-9a-f]{64})/");

    private final Policy policy;
    private final Engine engine;
    private final List<Path> ownFolders;
    private final Path mountInfo;
    private volatile boolean learned;

    BindMountGuard(Policy policy, Engine engine, List<Path> ownFolders, Path mountInfo) {
        this.policy = policy;
        this.engine = engine;
        this.ownFolders = List.copyOf(ownFolders);
        this.mountInfo = mountInfo;
    }

    /** The guard of the loop: {@code policy}'s rules for hostlet's own folders, on this process's mount table. */
    public static BindMountGuard of(Policy policy, Engine engine, HostletConfig config) {
        return new BindMountGuard(policy, engine, ownFolders(config), Path.of("/proc/self/mountinfo"));
    }

    /**
     * {@code observed} with the containers whose binds now lead to a refused path marked (see
     * {@link ObservedState#blockedMounts()}); learns what only the engine knows first, once.
     */
    public ObservedState mark(ObservedState observed) {
        learnOnce();
        return observed.withBlockedMounts(blocked(observed));
    }

    /** hostlet's own folders: manifests, state, secrets, git checkout, and the folder it runs from. */
    public static List<Path> ownFolders(HostletConfig config) {
        return ownFolders(config, runsFrom());
    }

    static List<Path> ownFolders(HostletConfig config, Optional<Path> runsFrom) {
        List<Path> own = new ArrayList<>(List.of(config.manifests().dir(), config.stateDir(), config.secrets().dir()));
        if (config.git().url().isPresent()) {
            own.add(config.git().dir());
        }
        runsFrom.ifPresent(own::add);
        return own.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /**
     * The folder hostlet runs from: the one holding {@code quarkus-run.jar} (the fast-jar layout: the shipped unit's
     * {@code /opt/hostlet/quarkus-app}), else its classes' folder. Not the folder above it, which may be {@code /tmp}.
     */
    static Optional<Path> runsFrom() {
        try {
            Path p = Path.of(Policy.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            for (Path d = p; d != null; d = d.getParent()) {
                if (Files.exists(d.resolve("quarkus-run.jar"))) {
                    return Optional.of(d);
                }
            }
            return Optional.ofNullable(Files.isDirectory(p) ? p : p.getParent());
        } catch (Exception e) { // no code source (some class loaders): nothing to add
            return Optional.empty();
        }
    }

    /**
     * Asks the engine, once it answers, for the host paths the policy must refuse besides its configured ones. Called
     * before each pass plans; after the first answer it costs nothing.
     */
    void learnOnce() {
        if (learned) {
            return;
        }
        try {
            Engine.HostView view = engine.hostView(ownContainerId());
            List<String> refused = new ArrayList<>();
            if (view.dataRoot() != null && !view.dataRoot().isBlank()) {
                refused.add(view.dataRoot());
            }
            for (Path own : ownFolders) {
                hostSide(own.toString(), view.mounts()).ifPresent(refused::add);
            }
            policy.learn(refused);
            learned = true;
            LOG.debugf("bind mounts of %s are refused (the engine's data-root and hostlet's folders as the host sees them)",
                    refused);
        } catch (EngineException e) {
            LOG.debugf("engine not asked for its data-root yet: %s", e.getMessage()); // the next pass asks again
        }
    }

    /** {@code path} as the host sees it through the longest of {@code mounts} (destination to source) holding it. */
    static Optional<String> hostSide(String path, Map<String, String> mounts) {
        String best = null;
        for (String dest : mounts.keySet()) {
            if ((path.equals(dest) || path.startsWith(dest.endsWith("/") ? dest : dest + "/"))
                    && (best == null || dest.length() > best.length())) {
                best = dest;
            }
        }
        return best == null ? Optional.empty() : Optional.of(mounts.get(best) + path.substring(best.length()));
    }

    /** The id of the container hostlet runs in, from its mount table; null on the host. */
    String ownContainerId() {
        try {
            if (mountInfo == null || !Files.isReadable(mountInfo)) {
                return null;
            }
            Matcher m = OWN_ID.matcher(Files.readString(mountInfo));
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The check right before a create: {@code m} with its binds resolved, or an {@link EngineException} (so the step
     * fails, is backed off and shows in status) naming what the policy refuses now. No engine call without binds.
     */
    public UnaryOperator<ContainerManifest> beforeCreate() {
        return m -> {
            if (m.spec().volumes().stream().noneMatch(v -> v.hostPath() != null)) {
                return m;
            }
            try {
                return policy.admit(m, engine.writableBinds());
            } catch (PolicyRefusal e) {
                throw new EngineException(EngineException.Kind.FAILED, e.getMessage(), null);
            }
        };
    }

    /** The observed containers whose binds now lead through a symlink to a refused path, by id, with why. */
    Map<String, String> blocked(ObservedState observed) {
        Map<String, String> out = new TreeMap<>();
        for (ObservedContainer c : observed.containers()) {
            for (String source : c.binds()) {
                String why = policy.plantedLink(c.managedName() == null ? c.name() : c.managedName(), source);
                if (why != null) {
                    out.put(c.id(), why);
                    break;
                }
            }
        }
        return out;
    }
}
