package org.kmod4j.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One immutable view of the loaded modules: the list in load order and its indexes by name,
 * bundle id and class loader. Readers get it through one volatile read and never lock; a writer
 * builds a new one under the module mutex and publishes it (RCU's copy-update).
 */
final class RegistrySnapshot {
    static final RegistrySnapshot EMPTY = new RegistrySnapshot(List.of());

    final List<KernelModule> modules;
    private final Map<String, KernelModule> byName = new HashMap<>();
    private final Map<Long, KernelModule> byBundle = new HashMap<>();
    private final Map<ClassLoader, KernelModule> byLoader = new IdentityHashMap<>();
    private final Map<String, KernelModule> byPackage = new HashMap<>();

    private RegistrySnapshot(List<KernelModule> modules) {
        this.modules = Collections.unmodifiableList(modules);
        for (KernelModule m : modules) {
            if (!m.shadowed()) {
                byName.put(m.name(), m); // one instance per name, also while a replace has two
            }
            if (m.bundle() != null) {
                byBundle.put(m.bundle().getBundleId(), m);
            }
            if (m.classLoader() != null) {
                byLoader.put(m.classLoader(), m);
            }
            for (String p : m.packages()) {
                byPackage.putIfAbsent(p, m); // first loaded wins a split package, as kallsyms' first match
            }
        }
    }

    /**
     * Any entry of that name, UNFORMED included (the duplicate-load check needs them); during a
     * replace the instance that holds the name (the old one until the switch, then the new one).
     */
    KernelModule entry(String name) {
        return byName.get(name);
    }

    KernelModule byBundleId(long id) {
        return byBundle.get(id);
    }

    KernelModule byLoader(ClassLoader loader) {
        return byLoader.get(loader);
    }

    /** The module containing the package of {@code className}. */
    KernelModule byClassName(String className) {
        int dot = className.lastIndexOf('.');
        return byPackage.get(dot < 0 ? "" : className.substring(0, dot));
    }

    RegistrySnapshot with(KernelModule m) {
        List<KernelModule> l = new ArrayList<>(modules);
        l.add(m);
        return new RegistrySnapshot(l);
    }

    RegistrySnapshot without(KernelModule m) {
        List<KernelModule> l = new ArrayList<>(modules);
        l.remove(m);
        return new RegistrySnapshot(l);
    }

    /** The same modules, re-indexed after one gained its bundle or class loader. */
    RegistrySnapshot reindexed() {
        return new RegistrySnapshot(new ArrayList<>(modules));
    }
}
