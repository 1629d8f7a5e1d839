package org.kmod4j.itests;

import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.paxexam.KmodTestSupport;

/** Helpers for the tests of the example modules (bundles/examples): jars, loads, dmesg. */
final class Examples {

    private Examples() {
    }

    /** The example's jar, e.g. {@code hello} or {@code deferred-free} (system property kmod4j.jar.example.NAME). */
    static Path jar(String example) {
        return KmodOptions.jar("example." + example);
    }

    /** insmod the example with these {@code key, value, key, value ...} parameters. */
    static Module load(ModuleContainer container, String example, String... keyValues) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return container.load(jar(example), LoadOptions.of(params));
    }

    /** The dmesg lines containing {@code text}, without their timestamps. */
    static List<String> dmesg(ModuleContainer container, String text) {
        return container.dmesg().stream()
                .map(l -> l.replaceFirst("^\\[[^]]*\\] ", ""))
                .filter(l -> l.contains(text))
                .collect(Collectors.toList());
    }

    /** All dmesg lines, without timestamps. */
    static List<String> dmesg(ModuleContainer container) {
        return dmesg(container, "");
    }

    /** Waits (up to 10 s) until at least {@code count} dmesg lines contain {@code text}; returns them. */
    static List<String> awaitDmesg(ModuleContainer container, String text, int count) {
        try {
            KmodTestSupport.await(count + " dmesg line(s) with [" + text + "]", () -> dmesg(container, text).size() >= count);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            fail(e.getMessage() + "; dmesg:\n" + String.join("\n", dmesg(container)));
        }
        return dmesg(container, text);
    }
}
