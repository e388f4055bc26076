package io.hostlet.imports;

import io.hostlet.imports.ComposeNodes.Pair;
import org.yaml.snakeyaml.nodes.Node;

import java.util.List;
import java.util.Map;

/**
 * What every converter of a group of service keys uses: the service being converted ({@link ServiceDraft}) and the
 * ways to report a key that is not converted. A converter throws {@link Skip} for a whole key, or reports one item
 * of a list with {@link #drop} and goes on with the next.
 */
abstract class ServiceFields {

    final ServiceDraft svc;
    final Project p;
    final ComposeNodes n;
    final Draft d;
    final String base;
    final List<String> notices;

    ServiceFields(ServiceDraft svc) {
        this.svc = svc;
        this.p = svc.p;
        this.n = svc.n;
        this.d = svc.d;
        this.base = svc.base;
        this.notices = svc.notices;
    }

    final void drop(int line, String key, String why) {
        svc.dropped.add(new NotConverted(p.file(), line, key, why));
    }

    final void drop(Node at, String key, String why) {
        drop(ComposeNodes.line(at), key, why);
    }

    /** Converts one entry of a mapping or list; a {@link Skip} reports that entry alone. */
    final void pairItem(Pair pair, String key, Runnable conversion) {
        try {
            conversion.run();
        } catch (Skip s) {
            drop(s.at == null ? pair.node() : s.at, key, s.getMessage());
        }
    }

    /** The draft's {@code securityContext}, created when first written to. */
    final Map<String, Object> security() {
        return Draft.map(d.spec, "securityContext");
    }

    /** Throws for a key that hostlet refuses beside {@code hostNetwork: true}. */
    final void hostNetworkRefuses() {
        if (svc.hostNetwork) {
            throw new Skip("hostlet refuses it with network_mode: host, where the container uses the host's network,"
                    + " names and resolver");
        }
    }
}
