package io.hostlet.engine;

import io.hostlet.observed.ObservedContainer;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The engine's container list as Docker 20.10 writes it, decoded field by field. */
class ContainerListJsonTest {

    private static List<ObservedContainer> decode(String json) throws IOException {
        return ContainerListJson.decode(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void keepsTheFieldsHostletUsesAndSkipsTheRest() throws IOException {
        List<ObservedContainer> cs = decode("""
                [{"Id":"aaa","Names":["/web","/other/alias"],"Image":"hostlet-test/busybox:1",
                  "ImageID":"sha256:28b2","Command":"/bin/sh -c 'x'","Created":1795873153,
                  "Ports":[{"IP":"127.0.0.1","PrivatePort":80,"PublicPort":8080,"Type":"tcp"}],
                  "Labels":{"io.hostlet.managed":"true","io.hostlet.name":"web"},
                  "State":"running","Status":"Up 2 minutes (healthy)","HostConfig":{"NetworkMode":"default"},
                  "NetworkSettings":{"Networks":{"bridge":{"IPAMConfig":null,"Links":null,"NetworkID":"cd7f",
                    "IPPrefixLen":16},"app":{"Aliases":["web"]}}},
                  "Mounts":[{"Type":"volume","Name":"data","Destination":"/data"},
                    {"Type":"volume","Name":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                     "Source":"/var/lib/docker/volumes/x/_data","Destination":"/cache","Driver":"local","Mode":"",
                     "RW":true,"Propagation":""},
                    {"Type":"bind","Source":"/srv","Destination":"/srv","RW":false}]},
                 {"Id":"bbb","Names":["/job"],"Image":"img","ImageID":"sha256:1","Created":5,
                  "Labels":null,"State":"exited","Status":"Exited (137) 3 seconds ago",
                  "NetworkSettings":{"Networks":{}}}]
                """);
        assertEquals(2, cs.size());
        ObservedContainer web = cs.get(0);
        assertEquals("aaa", web.id());
        assertEquals("web", web.name());
        assertEquals("hostlet-test/busybox:1", web.image());
        assertEquals("sha256:28b2", web.imageId());
        assertEquals(Map.of("io.hostlet.managed", "true", "io.hostlet.name", "web"), web.labels());
        assertEquals(ObservedContainer.State.RUNNING, web.state());
        assertEquals(ObservedContainer.Health.HEALTHY, web.health());
        assertNull(web.exitCode());
        assertEquals(Instant.ofEpochSecond(1795873153), web.created());
        assertEquals(List.of("bridge", "app"), web.networks());
        assertEquals(List.of(new io.hostlet.observed.AnonymousVolume(
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "/cache")), web.anonymousVolumes());
        assertEquals(List.of("/srv"), web.binds()); // the host paths the policy checks for planted links

        ObservedContainer job = cs.get(1);
        assertEquals("job", job.name());
        assertEquals(Map.of(), job.labels());
        assertEquals(ObservedContainer.State.EXITED, job.state());
        assertEquals(137, job.exitCode());
        assertEquals(ObservedContainer.Health.NONE, job.health());
        assertEquals(List.of(), job.networks());
        assertEquals(List.of(), job.anonymousVolumes());
        assertEquals(List.of(), job.binds());
    }

    @Test
    void readsHealthWhileStartingAndUnhealthy() throws IOException {
        List<ObservedContainer> cs = decode("""
                [{"Id":"a","State":"running","Status":"Up 1 second (health: starting)"},
                 {"Id":"b","State":"running","Status":"Up 9 seconds (unhealthy)"},
                 {"Id":"c","State":"restarting","Status":"Restarting (1) 2 seconds ago"},
                 {"Id":"d","State":"someday-new","Status":"Created"}]
                """);
        assertEquals(ObservedContainer.Health.STARTING, cs.get(0).health());
        assertEquals(ObservedContainer.Health.UNHEALTHY, cs.get(1).health());
        assertEquals(ObservedContainer.State.RESTARTING, cs.get(2).state());
        assertEquals(1, cs.get(2).exitCode());
        assertEquals(ObservedContainer.State.UNKNOWN, cs.get(3).state());
        assertEquals("d", cs.get(3).name()); // no names: the id stands in
    }

    @Test
    void anEmptyListIsEmpty() throws IOException {
        assertEquals(List.of(), decode("[]"));
    }

    @Test
    void somethingElseThanAListIsAnError() {
        assertThrows(IOException.class, () -> decode("{\"message\":\"page not found\"}"));
        assertThrows(IOException.class, () -> decode("[{\"Names\":[\"/x\"]}]"));
        assertThrows(IOException.class, () -> decode("[{\"Id\":\"a\""));
    }
}
