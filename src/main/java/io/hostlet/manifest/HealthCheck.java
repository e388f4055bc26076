package io.hostlet.manifest;

import java.time.Duration;
import java.util.List;

/**
 * A container's health check, mapped onto Docker's HEALTHCHECK when the container is created. Exactly one of
 * {@code exec} (a command run inside the container; exit 0 means healthy) and {@code http} (a GET that must
 * answer 2xx) is set. Durations and retries carry Docker's defaults when the manifest gives none.
 *
 * @param exec        the command, run without a shell (write {@code ["/bin/sh", "-c", "..."]} for one); null for http
 * @param http        the request; null for exec. Probed with the image's {@code wget}, so the image must have one
 * @param interval    time between checks
 * @param timeout     a check that takes longer has failed
 * @param retries     consecutive failures that make the container unhealthy
 * @param startPeriod failures during this time after start do not count
 */
public record HealthCheck(List<String> exec, HttpGet http, Duration interval, Duration timeout, int retries,
                          Duration startPeriod) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_RETRIES = 3;
    public static final Duration DEFAULT_START_PERIOD = Duration.ZERO;

    public HealthCheck {
        exec = exec == null ? null : List.copyOf(exec);
    }

    /** An HTTP GET of {@code http://127.0.0.1:<port><path>} from inside the container. */
    public record HttpGet(int port, String path) {}

    /**
     * The command Docker runs, without the leading {@code CMD}: the exec list, or for http a busybox- and
     * GNU-compatible {@code wget} that fails on anything but a 2xx answer. No {@code -T}: Docker's own timeout
     * bounds the check, and some busybox builds crash on {@code -T}.
     */
    public List<String> command() {
        if (exec != null) {
            return exec;
        }
        return List.of("wget", "-q", "-O", "/dev/null", "http://127.0.0.1:" + http.port() + http.path());
    }
}
