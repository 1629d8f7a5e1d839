package org.kmod4j.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntUnaryOperator;

import org.kmod4j.bench.mod.ModuleBundles;
import org.kmod4j.bench.mod.SwapService;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Row 7, a plain main() measurement (not JMH: the quantity is a count of failed calls and a
 * throughput over a window with a background swapper, which JMH's per-op timing does not model).
 *
 * <p>One embedded Felix with the container. A module bundle registers an IntUnaryOperator
 * service whose call does ~200 multiply-adds and reports {@link SwapService#STALE} if its
 * bundle's activator had stopped before the call returned. Caller threads call it in a loop
 * for {@code seconds}, first with the module loaded and left alone (baseline), then while a
 * swapper thread repeats: load, keep it LIVE for {@code liveMs}, unload. Callers of two kinds:
 * <ul>
 * <li>guarded: through {@code Guarded.service(module, IntUnaryOperator.class, service)} (the
 * swapper publishes a new proxy after each load). A {@code ModuleException(ENOENT)} is the
 * designed refusal while the module is going or gone: counted as refused, not failed.</li>
 * <li>tracker: {@code ServiceTracker.getService()} then the call. null is refused.</li>
 * <li>replace: one proxy from {@code ModuleContainer.service(context, IntUnaryOperator.class, ...)}
 * (it follows the LIVE provider), while the swapper repeats {@code replace(jar)} then
 * {@code liveMs} LIVE instead of unload + load. Any refusal here is a defect: a replace has
 * the new instance LIVE before the old one goes. Also prints the replace latency (the call's
 * duration, median and max: an upper bound of the time until the new instance serves).</li>
 * </ul>
 * Failed = the call ran while its module was stopped (STALE) or threw anything else.
 * Throughput = completed calls per second; drop = 1 − swapping/baseline, overall and per
 * second the module was LIVE (the time spent loading/unloading, when no call can succeed, is
 * measured by the swapper and taken out).
 *
 * <p>Arguments: {@code [seconds=3] [callers=1] [liveMs=100]}. Prints {@code RESULT|...} lines.
 */
public final class HotSwap {
    static volatile IntUnaryOperator current;

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long liveMs = args.length > 2 ? Long.parseLong(args[2]) : 100;
        try (FelixSupport felix = FelixSupport.start()) {
            FelixSupport.Kmod kmod = felix.kmod();
            Path jar = ModuleBundles.swapModule(felix.dir, "swapmod");
            ServiceTracker<IntUnaryOperator, IntUnaryOperator> tracker = new ServiceTracker<>(felix.context, IntUnaryOperator.class, null);
            tracker.open(true);

            replaceVariant(felix, kmod, jar, callers, seconds, liveMs);
            for (String kind : new String[] {"guarded", "tracker"}) {
                // warm-up, then baseline: module loaded, no swaps
                publish(felix, kmod, kmod.load(jar));
                run(kind, tracker, kmod, callers, 1, null);
                Stats base = run(kind, tracker, kmod, callers, seconds, null);
                kmod.unload("swapmod");
                Swapper swapper = new Swapper(felix, kmod, jar, liveMs);
                Stats swap = run(kind, tracker, kmod, callers, seconds, swapper);
                double drop = 1 - swap.rate() / base.rate();
                double down = (double) swapper.downNanos / swapper.totalNanos;
                double liveRate = swap.rate() / (1 - down);
                double liveDrop = 1 - liveRate / base.rate();
                System.out.printf("%s: baseline %.0f calls/s; while swapping (%d swaps, %.1f%% of the time unloading or loading): "
                        + "%.0f calls/s ok (%.0f per LIVE second), %d refused, %d FAILED; throughput drop %.1f%% overall, %.1f%% while LIVE%n",
                        kind, base.rate(), swapper.swaps, 100 * down, swap.rate(), liveRate, swap.refused, swap.failed, 100 * drop, 100 * liveDrop);
                System.out.printf("RESULT|hotswap|%s|callers=%d|liveMs=%d|baseline_per_s=%.0f|swap_per_s=%.0f|live_per_s=%.0f|failed=%d|refused=%d|swaps=%d|down_pct=%.1f|drop_pct=%.1f|live_drop_pct=%.1f%n",
                        kind, callers, liveMs, base.rate(), swap.rate(), liveRate, swap.failed, swap.refused, swapper.swaps,
                        100 * down, 100 * drop, 100 * liveDrop);
                if (kmod.find("swapmod").isPresent()) {
                    kmod.unload("swapmod");
                }
            }
            tracker.close();
        }
    }

    /** Replaces beside the unload/load control: the same callers, one following proxy. */
    static void replaceVariant(FelixSupport felix, FelixSupport.Kmod kmod, Path jar, int callers, double seconds, long liveMs)
            throws Exception {
        kmod.load(jar);
        current = kmod.service(felix.context, IntUnaryOperator.class);
        run("guarded", null, kmod, callers, 1, null);
        Stats base = run("guarded", null, kmod, callers, seconds, null);
        Replacer replacer = new Replacer(kmod, jar, liveMs);
        Stats swap = run("guarded", null, kmod, callers, seconds, replacer);
        double drop = 1 - swap.rate() / base.rate();
        long[] ms = replacer.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        double median = ms.length == 0 ? 0 : ms[ms.length / 2] / 1e6;
        double max = ms.length == 0 ? 0 : ms[ms.length - 1] / 1e6;
        System.out.printf("replace: baseline %.0f calls/s; while replacing (%d replaces, median %.1f ms, max %.1f ms each): "
                + "%.0f calls/s ok, %d refused, %d FAILED; throughput drop %.1f%%%n",
                base.rate(), replacer.swaps, median, max, swap.rate(), swap.refused, swap.failed, 100 * drop);
        System.out.printf("RESULT|hotswap|replace|callers=%d|liveMs=%d|baseline_per_s=%.0f|swap_per_s=%.0f|failed=%d|refused=%d|swaps=%d|replace_ms_median=%.1f|replace_ms_max=%.1f|drop_pct=%.1f%n",
                callers, liveMs, base.rate(), swap.rate(), swap.failed, swap.refused, replacer.swaps, median, max, 100 * drop);
        kmod.unload("swapmod");
    }

    static final class Replacer extends Swapper {
        final java.util.List<Long> latencies = new java.util.ArrayList<>();

        Replacer(FelixSupport.Kmod kmod, Path jar, long liveMs) {
            super(null, kmod, jar, liveMs);
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            try {
                while (!stop) {
                    long t0 = System.nanoTime();
                    kmod.replace(jar);
                    latencies.add(System.nanoTime() - t0);
                    swaps++;
                    Thread.sleep(liveMs);
                }
            } catch (Throwable t) {
                error = t;
            }
            totalNanos = System.nanoTime() - start;
        }
    }

    static void publish(FelixSupport felix, FelixSupport.Kmod kmod, Object module) {
        Bundle b = kmod.bundle(module);
        for (ServiceReference<?> ref : b.getRegisteredServices()) {
            Object s = felix.context.getService(ref);
            if (s instanceof IntUnaryOperator) {
                current = kmod.guarded(module, IntUnaryOperator.class, (IntUnaryOperator) s);
                return;
            }
        }
        throw new IllegalStateException("the module registered no IntUnaryOperator");
    }

    static final class Stats {
        final LongAdder ok = new LongAdder();
        long refused;
        long failed;
        double seconds;

        double rate() {
            return ok.sum() / seconds;
        }
    }

    static class Swapper extends Thread {
        final FelixSupport felix;
        final FelixSupport.Kmod kmod;
        final Path jar;
        final long liveMs;
        volatile boolean stop;
        int swaps;
        long downNanos;
        long totalNanos;
        Throwable error;

        Swapper(FelixSupport felix, FelixSupport.Kmod kmod, Path jar, long liveMs) {
            super("swapper");
            this.felix = felix;
            this.kmod = kmod;
            this.jar = jar;
            this.liveMs = liveMs;
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            try {
                while (!stop) {
                    long t0 = System.nanoTime();
                    Object m = kmod.load(jar);
                    publish(felix, kmod, m);
                    long t1 = System.nanoTime();
                    Thread.sleep(liveMs);
                    long t2 = System.nanoTime();
                    kmod.unload("swapmod");
                    long t3 = System.nanoTime();
                    downNanos += (t1 - t0) + (t3 - t2);
                    swaps++;
                }
            } catch (Throwable t) {
                error = t;
            }
            totalNanos = System.nanoTime() - start;
        }
    }

    static Stats run(String kind, ServiceTracker<IntUnaryOperator, IntUnaryOperator> tracker, FelixSupport.Kmod kmod,
            int callers, double seconds, Swapper swapper) throws Exception {
        Stats stats = new Stats();
        long[] refused = new long[callers];
        long[] failed = new long[callers];
        Thread[] threads = new Thread[callers];
        java.util.concurrent.atomic.AtomicBoolean stopFlag = new java.util.concurrent.atomic.AtomicBoolean();
        for (int t = 0; t < callers; t++) {
            int me = t;
            threads[t] = new Thread(() -> {
                long ok = 0;
                int i = 0;
                while (!stopFlag.get()) {
                    for (int k = 0; k < 64; k++) {
                        i++;
                        try {
                            IntUnaryOperator s = "guarded".equals(kind) ? current : tracker.getService();
                            if (s == null) {
                                refused[me]++;
                                continue;
                            }
                            if (s.applyAsInt(i) == SwapService.STALE) {
                                failed[me]++;
                            } else {
                                ok++;
                            }
                        } catch (Throwable e) {
                            if ("ENOENT".equals(kmod.errno(e))) {
                                refused[me]++;
                            } else {
                                failed[me]++;
                            }
                        }
                    }
                }
                stats.ok.add(ok);
            }, "caller-" + t);
        }
        long start = System.nanoTime();
        for (Thread t : threads) {
            t.start();
        }
        if (swapper != null) {
            swapper.start();
        }
        Thread.sleep((long) (seconds * 1000));
        stopFlag.set(true);
        for (Thread t : threads) {
            t.join();
        }
        stats.seconds = (System.nanoTime() - start) / 1e9;
        if (swapper != null) {
            swapper.stop = true;
            swapper.join(TimeUnit.SECONDS.toMillis(60));
            if (swapper.error != null) {
                throw new IllegalStateException("swapper failed", swapper.error);
            }
        }
        for (int t = 0; t < callers; t++) {
            stats.refused += refused[t];
            stats.failed += failed[t];
        }
        return stats;
    }
}
