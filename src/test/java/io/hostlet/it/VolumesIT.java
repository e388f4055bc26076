package io.hostlet.it;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.api.model.Volumes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Data in an image's {@code VOLUME} survives a recreate (the new container mounts the old one's anonymous volume),
 * and hostlet never removes a volume, not even an anonymous one of a container it removes.
 */
class VolumesIT {

    @RegisterExtension
    static final HostletFixture hostlet = HostletFixture.direct();

    private final TestEngine engine = hostlet.engine();
    /** What this test made beside hostlet's own objects: removed after it, after hostlet's containers are gone. */
    private final List<String> images = new ArrayList<>();
    private final List<String> volumes = new ArrayList<>();

    @AfterEach
    void removeWhatThisTestMade() {
        for (String v : volumes) {
            try {
                engine.removeVolume(v);
            } catch (RuntimeException stillUsed) {
                // the fixture force-removes the containers after this; an orphan is left for volume prune
            }
        }
        for (String i : images) {
            try {
                engine.client().removeImageCmd(i).withForce(true).exec();
            } catch (NotFoundException gone) {
                // fine
            }
        }
    }

    /** The test image plus {@code VOLUME /data}, as {@code docker commit --change 'VOLUME /data'} makes it. */
    private String imageWithVolume() {
        String repo = "hostlet-test/volume-" + UUID.randomUUID().toString().substring(0, 8);
        String id = engine.client().createContainerCmd(TestEngine.testImage()).withCmd("true").exec().getId();
        try {
            engine.client().commitCmd(id).withRepository(repo).withTag("1")
                    .withVolumes(new Volumes(new Volume("/data")))
                    .withCmd("/bin/sh", "-c", "exec sleep 100000")
                    .exec();
        } finally {
            engine.forceRemove(id);
        }
        String image = repo + ":1";
        images.add(image);
        assertThat(engine.client().inspectImageCmd(image).exec().getConfig().getVolumes()).containsKey("/data");
        return image;
    }

    private static String volumeAt(InspectContainerResponse c, String path) {
        return c.getMounts().stream()
                .filter(m -> path.equals(m.getDestination().getPath()))
                .map(InspectContainerResponse.Mount::getName)
                .findFirst().orElseThrow(() -> new AssertionError("no mount at " + path + " in " + c.getMounts()));
    }

    @Test
    void aRecreateKeepsTheDataOfAnImageVolumeAndRemovingTheManifestKeepsTheVolume() {
        String image = imageWithVolume();
        String name = hostlet.name("db");
        hostlet.write(name + ".yaml", Manifest.container(name).image(image).env("MODE", "one"));
        InspectContainerResponse first = hostlet.awaitRunning(name);
        String volume = volumeAt(first, "/data");
        volumes.add(volume);
        assertThat(volume).matches("[0-9a-f]{64}");
        assertThat(engine.exec(name, "/bin/sh", "-c", "echo kept > /data/file").exitCode()).isZero();

        hostlet.write(name + ".yaml", Manifest.container(name).image(image).env("MODE", "two"));
        await().untilAsserted(() -> {
            InspectContainerResponse now = engine.running(name);
            assertThat(now.getId()).isNotEqualTo(first.getId());
            assertThat(now.getConfig().getEnv()).contains("MODE=two");
        });
        InspectContainerResponse second = engine.running(name);
        assertThat(volumeAt(second, "/data")).isEqualTo(volume);
        TestEngine.ExecResult read = engine.exec(name, "cat", "/data/file");
        assertThat(read.exitCode()).isZero();
        assertThat(read.output().trim()).isEqualTo("kept");
        assertThat(engine.volumeExists(volume)).isTrue();

        hostlet.delete(name + ".yaml");
        await().untilAsserted(() -> assertThat(engine.container(name)).isEmpty());
        assertThat(engine.volumeExists(volume)).as("the anonymous volume of a removed container").isTrue();
        assertThat(engine.client().listVolumesCmd().exec().getVolumes())
                .anySatisfy(v -> assertThat(v.getName()).isEqualTo(volume));
    }
}
