package org.kmod4j.bench;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.kmod4j.bench.mod.ModuleBundles;
import org.kmod4j.bench.probe.Probe;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Row 8, a plain main() measurement: {@code cycles} load/unload cycles of a small module through
 * the container on a real embedded Felix; a WeakReference to each cycle's bundle class loader
 * (after loading a class from it); then System.gc() loops until the references clear (up to
 * ~5 s). Prints how many class loaders of unloaded modules are still reachable (target 0), and
 * heap and metaspace used (after GC) before and after. The same for plain Felix
 * install/start/stop/uninstall/refresh cycles of the same jar as the peer.
 *
 * <p>Arguments: {@code [cycles=500]}. Prints {@code RESULT|...} lines.
 */
public final class ClassLoaderLeak {

    public static void main(String[] args) throws Exception {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        try (FelixSupport felix = FelixSupport.start()) {
            FelixSupport.Kmod kmod = felix.kmod();
            Path jar = ModuleBundles.swapModule(felix.dir, "leakmod");
            for (String kind : new String[] {"kmod", "felix"}) {
                for (int i = 0; i < 10; i++) { // warm-up: the container's and Felix's own classes load now
                    cycle(kind, felix, kmod, jar, i);
                }
                long[] before = memory();
                List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int i = 0; i < cycles; i++) {
                    loaders.add(new WeakReference<>(cycle(kind, felix, kmod, jar, i)));
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                long[] afterNoGc = {used(false), metaspace()};
                int reachable = 0;
                for (int round = 0; round < 50; round++) {
                    System.gc();
                    Thread.sleep(100);
                    reachable = 0;
                    for (WeakReference<ClassLoader> r : loaders) {
                        if (r.get() != null) {
                            reachable++;
                        }
                    }
                    if (reachable == 0) {
                        break;
                    }
                }
                long[] after = memory();
                System.out.printf("%s: %d cycles in %.1f s; class loaders still reachable after GC: %d of %d; heap used %.1f -> %.1f MB"
                        + " (%.1f MB before GC); metaspace %.1f -> %.1f MB%n",
                        kind, cycles, secs, reachable, cycles, mb(before[0]), mb(after[0]), mb(afterNoGc[0]), mb(before[1]), mb(after[1]));
                System.out.printf("RESULT|classloaders|%s|cycles=%d|reachable=%d|heap_before_mb=%.1f|heap_after_mb=%.1f|meta_before_mb=%.1f|meta_after_mb=%.1f|secs=%.1f%n",
                        kind, cycles, reachable, mb(before[0]), mb(after[0]), mb(before[1]), mb(after[1]), secs);
            }
        }
    }

    static ClassLoader cycle(String kind, FelixSupport felix, FelixSupport.Kmod kmod, Path jar, int i) throws Exception {
        Bundle b;
        if (kind.equals("kmod")) {
            b = kmod.bundle(kmod.load(jar));
        } else {
            try (InputStream in = Files.newInputStream(jar)) {
                b = felix.context.installBundle("plain:leakmod:" + i, in);
            }
            b.start();
        }
        ClassLoader cl = b.adapt(BundleWiring.class).getClassLoader();
        Class<?> probe = cl.loadClass(Probe.class.getName());
        if (probe.getClassLoader() != cl) {
            throw new IllegalStateException("Probe not defined by the bundle");
        }
        probe = null;
        if (kind.equals("kmod")) {
            kmod.unload("leakmod");
        } else {
            b.stop();
            b.uninstall();
            felix.refresh(List.of(b));
        }
        return cl;
    }

    static long[] memory() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return new long[] {used(true), metaspace()};
    }

    static long used(boolean afterGc) {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long metaspace() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getName().equals("Metaspace")) {
                return p.getUsage().getUsed();
            }
        }
        return -1;
    }

    static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
