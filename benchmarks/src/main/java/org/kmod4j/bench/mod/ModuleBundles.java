package org.kmod4j.bench.mod;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.kmod4j.bench.Jars;
import org.kmod4j.bench.probe.Probe;

/** The generated bundles the real-Felix benchmarks load. */
public final class ModuleBundles {
    private ModuleBundles() {
    }

    /** A small module bundle: Module-Name {@code name}, an activator registering one service. */
    public static Path swapModule(Path dir, String name) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Bundle-SymbolicName", "bench." + name);
        h.put("Module-Name", name);
        h.put("Bundle-Activator", SwapActivator.class.getName());
        h.put("Import-Package", "org.osgi.framework");
        return Jars.bundle(dir.resolve(name + ".jar"), h, SwapActivator.class, SwapService.class, Probe.class);
    }

    /** A tiny bundle with its own copy of Probe (for FrameworkUtil.getBundle(Class)). */
    public static Path probeBundle(Path dir, int i) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Bundle-SymbolicName", "bench.tiny" + i);
        return Jars.bundle(dir.resolve("tiny" + i + ".jar"), h, Probe.class);
    }
}
