package io.hostlet.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Followed container output ({@code logs?follow=true}), kept away from everything the reconcile loop needs.
 *
 * <p>A follow holds an engine connection for as long as it streams, and a quiet container may print nothing for
 * hours: on the engine client the loop uses, a few dozen abandoned follows took every connection its stops, pulls and
 * event stream wait for. So follows get a docker client of their own, built at the first follow, with one connection
 * per follow allowed; at most {@code max} are open at once ({@link #open} says no to one more); each ends after
 * {@code maxDuration}, when {@link Follow#cancel} is called (the HTTP client went away) or when this is closed
 * (hostlet stops). Ending a follow aborts its request, so its connection is freed at once, not at the next line.
 */
public final class LogFollows implements AutoCloseable {

    private final String host;
    private final int max;
    private final Duration maxDuration;
    private final Semaphore slots;
    private final Set<Follow> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hostlet-log-follow-bound");
        t.setDaemon(true);
        return t;
    });
    private volatile DockerClient client;
    private volatile boolean closed;

    /**
     * @param host        the engine's address, as for {@link DockerEngine}
     * @param max         how many follows may stream at once
     * @param maxDuration the longest one streams
     */
    public LogFollows(String host, int max, Duration maxDuration) {
        if (max < 1) {
            throw new IllegalArgumentException("at least one log follow must be allowed, not " + max);
        }
        this.host = host;
        this.max = max;
        this.maxDuration = maxDuration;
        this.slots = new Semaphore(max);
    }

    /** How many follows may stream at once. */
    public int max() {
        return max;
    }

    /** The longest one follow streams. */
    public Duration maxDuration() {
        return maxDuration;
    }

    /** How many stream (or hold a slot) now. */
    public int active() {
        return max - slots.availablePermits();
    }

    /** A slot for one follow, or empty when {@link #max} are open (or hostlet stops). Close it when done. */
    public Optional<Follow> open() {
        if (closed || !slots.tryAcquire()) {
            return Optional.empty();
        }
        Follow f = new Follow();
        open.add(f);
        if (closed) { // closed meanwhile: close() may not have seen it
            f.close();
            return Optional.empty();
        }
        return Optional.of(f);
    }

    private DockerClient client() {
        DockerClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                            .withDockerHost(host).build();
                    // Its own pool, one connection per follow; the response timeout is only a backstop, since a
                    // follow's bound is enforced by cancelling it.
                    c = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
                            .dockerHost(config.getDockerHost())
                            .sslConfig(DockerEngine.sslConfig(config))
                            .maxConnections(max)
                            .connectionTimeout(Duration.ofSeconds(5))
                            .responseTimeout(maxDuration.plusMinutes(1))
                            .build());
                    client = c;
                }
            }
        }
        return c;
    }

    /** Ends every follow and closes the client: hostlet stops. */
    @Override
    public void close() throws IOException {
        closed = true;
        for (Follow f : open) {
            f.cancel();
        }
        timer.shutdownNow();
        DockerClient c = client;
        if (c != null) {
            c.close();
        }
    }

    /** How a follow ended. */
    public enum End {
        /** The container stopped (or its output ended). */
        STOPPED,
        /** It streamed for {@link #maxDuration}. */
        BOUND,
        /** It was cancelled: the reader went away, or hostlet stops. */
        CANCELLED
    }

    /** One slot: at most one {@link #stream} call, then {@link #close}. */
    public final class Follow implements AutoCloseable {
        private final AtomicReference<ResultCallback.Adapter<Frame>> callback = new AtomicReference<>();
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile boolean cancelled;
        private volatile boolean bound;

        private Follow() {
        }

        /**
         * Copies the container's last {@code tail} lines, then what it prints, to {@code out}; blocks until the
         * container stops, {@link #maxDuration} passes, writing fails (throws that failure), or {@link #cancel}.
         *
         * @throws EngineException when the engine refuses ({@code NOT_FOUND}: the container is gone) or is unreachable
         */
        public End stream(String id, int tail, OutputStream out) throws IOException {
            AtomicReference<IOException> writeFailed = new AtomicReference<>();
            ResultCallback.Adapter<Frame> cb = new ResultCallback.Adapter<>() {
                @Override
                public void onNext(Frame frame) {
                    try {
                        out.write(frame.getPayload());
                        out.flush();
                    } catch (IOException e) { // the reader went away: end the stream
                        writeFailed.compareAndSet(null, e);
                        end(this);
                    }
                }
            };
            callback.set(cb);
            if (cancelled) {
                return End.CANCELLED;
            }
            ScheduledFuture<?> limit = timer.schedule(() -> {
                bound = true;
                end(cb);
            }, maxDuration.toMillis(), TimeUnit.MILLISECONDS);
            try {
                client().logContainerCmd(id).withStdOut(true).withStdErr(true).withTail(tail).withFollowStream(true)
                        .exec(cb).awaitCompletion();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancelled = true;
            } catch (NotFoundException e) {
                throw new EngineException(EngineException.Kind.NOT_FOUND, "logs of " + id + ": "
                        + DockerEngine.firstLine(e), e);
            } catch (DockerException e) {
                throw new EngineException(EngineException.Kind.FAILED, "logs of " + id + ": "
                        + DockerEngine.firstLine(e), e);
            } catch (RuntimeException e) {
                if (writeFailed.get() == null && !cancelled && !bound) {
                    throw new EngineException(EngineException.Kind.UNREACHABLE, "logs of " + id + ": "
                            + DockerEngine.firstLine(e), e);
                }
            } finally {
                limit.cancel(false);
                end(cb);
            }
            if (writeFailed.get() != null) {
                throw writeFailed.get();
            }
            return cancelled ? End.CANCELLED : bound ? End.BOUND : End.STOPPED;
        }

        /** Ends the stream from any thread; its {@link #stream} call returns. */
        public void cancel() {
            cancelled = true;
            ResultCallback.Adapter<Frame> cb = callback.get();
            if (cb != null) {
                end(cb);
            }
        }

        /** Gives the slot back (once), ending the stream if it still runs. */
        @Override
        public void close() {
            cancel();
            if (released.compareAndSet(false, true)) {
                open.remove(this);
                slots.release();
            }
        }
    }

    /** Closing the callback aborts its request: the connection is dropped now, not at the next line. */
    private static void end(ResultCallback.Adapter<Frame> cb) {
        try {
            cb.close();
        } catch (IOException ignored) {
            // ending anyway
        }
    }
}
