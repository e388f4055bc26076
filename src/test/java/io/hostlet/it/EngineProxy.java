package io.hostlet.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A unix-socket stand-in for the Docker engine that forwards every connection byte for byte to the real one,
 * and that a test can switch off ({@link #stop()}: listener and every open connection closed, so the engine
 * looks gone) and on again ({@link #start()}, same path). Point hostlet at {@link #dockerHost()}.
 */
public final class EngineProxy implements AutoCloseable {

    private final Path dir;
    private final Path socket;
    private final SocketAddress upstream;
    private final StandardProtocolFamily upstreamFamily;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "engine-proxy");
        t.setDaemon(true);
        return t;
    });
    private volatile ServerSocketChannel listener;

    /** A proxy to {@code upstreamDockerHost} ({@code unix:///path} or {@code tcp://host:port}), not yet started. */
    public EngineProxy(String upstreamDockerHost) {
        URI uri = URI.create(upstreamDockerHost);
        switch (uri.getScheme()) {
            case "unix" -> {
                upstream = UnixDomainSocketAddress.of(uri.getPath());
                upstreamFamily = StandardProtocolFamily.UNIX;
            }
            case "tcp", "http" -> {
                upstream = new InetSocketAddress(uri.getHost(), uri.getPort());
                upstreamFamily = uri.getHost().contains(":") ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
            }
            default -> throw new IllegalArgumentException("cannot proxy " + upstreamDockerHost);
        }
        try {
            // under /tmp: a unix socket path must stay short (108 bytes)
            dir = Files.createTempDirectory(Path.of("/tmp"), "hostlet-proxy-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        socket = dir.resolve("engine.sock");
    }

    /** {@code unix://<socket>}, for hostlet's {@code hostlet.docker.host}. */
    public String dockerHost() {
        return "unix://" + socket;
    }

    public synchronized boolean isRunning() {
        return listener != null;
    }

    /** Listens on the socket path (again) and forwards each accepted connection. */
    public synchronized void start() {
        if (listener != null) {
            return;
        }
        try {
            // our own stale socket file from a previous start; bind refuses to reuse it
            Files.deleteIfExists(socket);
            ServerSocketChannel l = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            l.bind(UnixDomainSocketAddress.of(socket));
            listener = l;
            threads.execute(() -> acceptLoop(l));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the listener and every open connection: the engine now refuses connections on this path. */
    public synchronized void stop() {
        ServerSocketChannel l = listener;
        listener = null;
        closeQuietly(l);
        for (SocketChannel c : open) {
            closeQuietly(c);
        }
        open.clear();
    }

    private void acceptLoop(ServerSocketChannel l) {
        while (l.isOpen()) {
            SocketChannel client;
            try {
                client = l.accept();
            } catch (IOException e) {
                return; // closed by stop()
            }
            SocketChannel engine;
            try {
                engine = SocketChannel.open(upstreamFamily);
                engine.connect(upstream);
            } catch (IOException e) {
                closeQuietly(client);
                continue;
            }
            open.add(client);
            open.add(engine);
            if (listener != l) {
                // stop() ran between accept and registration
                closeQuietly(client);
                closeQuietly(engine);
                continue;
            }
            Pump up = new Pump(client, engine);
            Pump down = new Pump(engine, client);
            up.partner = down;
            down.partner = up;
            threads.execute(up);
            threads.execute(down);
        }
    }

    /** Copies one direction; passes an end-of-stream on as a half-close, and closes both once both ended. */
    private final class Pump implements Runnable {
        private final SocketChannel from;
        private final SocketChannel to;
        private volatile Pump partner;
        private volatile boolean done;

        Pump(SocketChannel from, SocketChannel to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public void run() {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            try {
                while (from.read(buf) >= 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        to.write(buf);
                    }
                    buf.clear();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
            } finally {
                done = true;
                if (partner.done) {
                    closeQuietly(from);
                    closeQuietly(to);
                    open.remove(from);
                    open.remove(to);
                }
            }
        }
    }

    @Override
    public void close() {
        stop();
        threads.shutdownNow();
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
