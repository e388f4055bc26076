package io.hostlet.it;

import com.github.dockerjava.api.model.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.hostlet.it.TestEngine.INSTANCE;
import static io.hostlet.it.TestEngine.MANAGED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** User-defined networks named in {@code networks:}. */
class NetworkIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private final TestEngine engine = hostlet.engine();

    @Test
    void aListedNetworkIsCreatedAsManagedAndItsContainersReachEachOtherByName() {
        String network = hostlet.name("app");
        String server = hostlet.name("server");
        String client = hostlet.name("client");
        hostlet.write(server + ".yaml", Manifest.container(server).network(network)
                .shell("mkdir -p /www && echo pong > /www/index.html && exec httpd -f -p 80 -h /www"));
        hostlet.write(client + ".yaml", Manifest.container(client).network(network));

        await().untilAsserted(() -> {
            Network n = engine.network(network).orElseThrow(() -> new AssertionError("no network " + network));
            assertThat(n.getDriver()).isEqualTo("bridge");
            assertThat(n.getLabels()).containsEntry(MANAGED, "true").containsEntry(INSTANCE, hostlet.instance());
            assertThat(engine.running(server).getNetworkSettings().getNetworks()).containsKey(network);
            assertThat(engine.running(client).getNetworkSettings().getNetworks()).containsKey(network);
        });
        await().untilAsserted(() -> {
            TestEngine.ExecResult r = engine.exec(client, "wget", "-q", "-O", "-", "http://" + server + "/");
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.output()).isEqualTo("pong\n");
        });
    }
}
