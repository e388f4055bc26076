package io.hostlet.api;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/**
 * Lifts {@code quarkus.http.idle-timeout} from one connection: a log follow of a quiet container sends nothing for as
 * long as the container prints nothing, and must not be cut after 30 s of silence. The timeout stays for every other
 * connection, where it drops half-sent requests. Vert.x offers no per-connection setting, so this removes its idle
 * handler (named {@code idle} in Vert.x 4's HTTP/1 pipeline) from the connection's Netty pipeline; over HTTP/2, or if
 * a later Vert.x names it otherwise, nothing changes and the follow ends at the idle timeout.
 */
final class IdleTimeout {

    private static final String HANDLER = "idle";

    private IdleTimeout() {
    }

    /** Whether the connection of {@code rc} no longer has an idle timeout. */
    static boolean lift(RoutingContext rc) {
        if (rc.request().connection() instanceof ConnectionBase c && !rc.request().version().name().startsWith("HTTP_2")) {
            ChannelPipeline p = c.channel().pipeline();
            if (p.get(HANDLER) != null) {
                p.remove(HANDLER);
                return true;
            }
        }
        return false;
    }
}
