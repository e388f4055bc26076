package io.hostlet.docs;

import io.hostlet.config.HostletConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/configuration.md} names every {@code hostlet.*} key {@link HostletConfig} defines, each in code
 * ({@code `hostlet.git.url`}): a setting added without a word on that page fails the build. The keys are read from the
 * {@code @ConfigMapping} interfaces as SmallRye names them (method names in kebab case, {@code @WithName} where
 * given, groups as prefixes); a map's key is any one segment on the page ({@code hostlet.policy.allow."<name>"}).
 */
class ConfigurationPageTest {

    static final Path PAGE = Path.of("docs/configuration.md");
    static final String ANY_SEGMENT = "(\"[^\"`]+\"|<[^>`]+>|[A-Za-z0-9_-]+)";

    @Test
    void thePageNamesEveryKey() throws IOException {
        String page = Files.readString(PAGE);
        List<String> keys = keys();

        assertThat(keys).contains("hostlet.resync-interval", "hostlet.git.webhook-secret-file",
                "hostlet.notify.url", "hostlet.api.log-follows.max-duration", "hostlet.registry.auth.*.password-file");
        assertThat(keys).allSatisfy(key -> assertThat(Pattern.compile(regex(key)).matcher(page).find())
                .as("docs/configuration.md names `" + key + "`").isTrue());
    }

    @Test
    void aKeyTheTextLacksIsFound() {
        String page = "| `hostlet.policy.allow.\"<name>\"` | ... | `hostlet.registry.auth.<key>.host` |";
        assertThat(Pattern.compile(regex("hostlet.policy.allow.*")).matcher(page).find()).isTrue();
        assertThat(Pattern.compile(regex("hostlet.registry.auth.*.host")).matcher(page).find()).isTrue();
        assertThat(Pattern.compile(regex("hostlet.registry.auth.*.username")).matcher(page).find()).isFalse();
        assertThat(Pattern.compile(regex("hostlet.policy")).matcher(page).find()).isFalse();
    }

    static List<String> keys() {
        List<String> keys = new ArrayList<>();
        collect(HostletConfig.class.getAnnotation(ConfigMapping.class).prefix(), HostletConfig.class, keys);
        return keys;
    }

    private static void collect(String prefix, Class<?> group, List<String> keys) {
        for (Method m : group.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.isDefault() || m.isSynthetic() || m.getParameterCount() > 0) {
                continue;
            }
            WithName withName = m.getAnnotation(WithName.class);
            String key = prefix + "." + (withName != null ? withName.value() : kebab(m.getName()));
            Type type = m.getGenericReturnType();
            if (raw(type) == Optional.class) {
                type = argument(type, 0);
            }
            if (raw(type) == Map.class) {
                key = key + ".*";
                type = argument(type, 1);
            }
            Class<?> raw = raw(type);
            if (isGroup(raw)) {
                collect(key, raw, keys);
            } else {
                keys.add(key);
            }
        }
    }

    /** A group is an interface nested in {@link HostletConfig}: its methods are keys under the group's name. */
    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && type.getName().startsWith(HostletConfig.class.getName() + "$");
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static Type argument(Type type, int index) {
        return ((ParameterizedType) type).getActualTypeArguments()[index];
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** The key in code on the page: {@code `hostlet.a.b`}, with a map's {@code *} standing for one segment. */
    private static String regex(String key) {
        StringBuilder regex = new StringBuilder("`");
        String[] parts = key.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            regex.append(i == 0 ? "" : "\\.").append(parts[i].equals("*") ? ANY_SEGMENT : Pattern.quote(parts[i]));
        }
        return regex.append("`").toString();
    }
}
