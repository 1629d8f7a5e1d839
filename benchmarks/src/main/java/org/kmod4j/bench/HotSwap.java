package org.kmod4j.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntUnaryOperator;

import org.kmod4j.bench.mod.ModuleBundles;
import org.kmod4j.bench.mod.SwapService;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
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
 * The replace variant is followed by the same replaces with callers that use no proxy (see
 * {@link #replaceVariant}): a plain object never replaced (the CPU the replace work takes from
 * the callers) and the newest instance's raw object (plus what new code costs before it is
 * compiled). Each replace line also gives the drop in calls per caller CPU second
 * ({@code cpu_drop_pct}: what slowed the callers while they ran, whatever the machine's load),
 * the share of the window the callers were on a CPU ({@code on_cpu_pct}, baseline/replacing),
 * the CPU of the other threads of the process per second ({@code other_cpu_ms_per_s}: the
 * replace work, Felix, JIT, GC) and the worst one-second drop. {@code -Dhotswap.replaceOnly=true}
 * skips the unload/load control, {@code -Dhotswap.rounds=N} repeats the replace variants in the
 * same JVM, {@code -Dhotswap.floors=false} skips the two no-proxy variants ({@code -Dhotswap.floorsFirst=true}
 * runs them first, so that they meet replaced code first in the JVM),
 * {@code -Dhotswap.series=FILE} writes the 10 ms samples of the replace window, {@code -Dhotswap.switch=true}
 * also times each replace until the name finds the new instance ({@code to_serving_ms}).
 *
 * <p>Failed = the call ran while its module was stopped (STALE) or threw anything else.
 * Throughput = completed calls per second; drop = 1 − swapping/baseline, overall and per
 * second the module was LIVE (the time spent loading/unloading, when no call can succeed, is
 * measured by the swapper and taken out).
 *
 * <p>Arguments: {@code [seconds=3] [callers=1] [liveMs=100]}. Prints {@code RESULT|...} lines.
 */
public final class HotSwap {
    static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    static volatile IntUnaryOperator current;

    static long processCpu() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : 0;
    }
    /** The target of "direct" callers: a plain object called without any proxy. */
    static volatile IntUnaryOperator direct;

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
            if (Boolean.getBoolean("hotswap.replaceOnly")) {
                tracker.close();
                return;
            }
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

    /**
     * Replaces beside the unload/load control: the same callers, one following proxy. Then the
     * same replaces with callers that use no proxy at all, to separate what the replace work
     * costs the callers from what our call path costs them:
     * <ul>
     * <li>floor: a plain {@link SwapService} of this jar, never replaced, called directly. Its
     * drop is the CPU the replace work (install, resolve, start, stop, uninstall, refresh, class
     * loading, JIT, GC) takes from the callers on this machine.</li>
     * <li>follow: the raw service object of the newest instance, called directly; a service
     * listener sets it as soon as the new instance registers it (during its init, before the old
     * one goes). Its drop adds what new code costs before it is compiled (each replace defines a
     * new SwapService class, which starts interpreted) and what the callers' own compiled code
     * costs when it meets a new receiver class. Not safe to use for real (it calls a module
     * that is not LIVE yet); here it only measures.</li>
     * </ul>
     */
    static void replaceVariant(FelixSupport felix, FelixSupport.Kmod kmod, Path jar, int callers, double seconds, long liveMs)
            throws Exception {
        kmod.load(jar);
        current = kmod.service(felix.context, IntUnaryOperator.class);
        // rounds > 1: the same again in the same JVM, to see what the first round owes to start-up
        int rounds = Integer.getInteger("hotswap.rounds", 1);
        for (int round = 1; round <= rounds; round++) {
            if (Boolean.getBoolean("hotswap.floorsFirst")) { // which variant meets replaced code first in this JVM
                floors(felix, kmod, jar, callers, seconds, liveMs);
            }
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
            System.out.printf("RESULT|hotswap|replace|callers=%d|liveMs=%d|baseline_per_s=%.0f|swap_per_s=%.0f|failed=%d|refused=%d|swaps=%d|replace_ms_median=%.1f|replace_ms_max=%.1f|drop_pct=%.1f|worst_second_drop_pct=%.1f|cpu_drop_pct=%.1f|on_cpu_pct=%.0f/%.0f|other_cpu_ms_per_s=%.0f/%.0f%s%n",
                    callers, liveMs, base.rate(), swap.rate(), swap.failed, swap.refused, replacer.swaps, median, max, 100 * drop,
                    swap.worstSecondDrop(base), swap.cpuDrop(base), base.onCpu(callers), swap.onCpu(callers),
                    base.otherCpuMsPerSecond(), swap.otherCpuMsPerSecond(), replacer.toServingMs());
            String series = System.getProperty("hotswap.series");
            if (series != null) { // ms since the window's start, calls completed; then each replace's start and end
                try (java.io.PrintWriter w = new java.io.PrintWriter(series)) {
                    for (long[] x : swap.samples) {
                        w.printf("%.1f %d%n", x[0] / 1e6, x[1]);
                    }
                    for (int i = 0; i < replacer.starts.size(); i++) {
                        w.printf("replace %.1f %.1f%n", (replacer.starts.get(i) - swap.startNanos) / 1e6,
                                (replacer.starts.get(i) + replacer.latencies.get(i) - swap.startNanos) / 1e6);
                    }
                }
            }
            if (!Boolean.getBoolean("hotswap.floorsFirst")) {
                floors(felix, kmod, jar, callers, seconds, liveMs);
            }
        }
        kmod.unload("swapmod");
    }

    /** The no-proxy variants: a plain object (floor) and the newest instance's raw object (follow). */
    static void floors(FelixSupport felix, FelixSupport.Kmod kmod, Path jar, int callers, double seconds, long liveMs)
            throws Exception {
        String[] floors = Boolean.parseBoolean(System.getProperty("hotswap.floors", "true")) ? new String[] {"floor", "follow"} : new String[0];
        for (String variant : floors) {
            boolean follow = "follow".equals(variant);
            direct = follow ? rawService(felix, kmod, kmod.find("swapmod").get()) : new SwapService();
            ServiceListener newest = e -> {
                if (e.getType() == ServiceEvent.REGISTERED) {
                    direct = (IntUnaryOperator) felix.context.getService(e.getServiceReference());
                }
            };
            if (follow) {
                felix.context.addServiceListener(newest, "(" + Constants.OBJECTCLASS + "=" + IntUnaryOperator.class.getName() + ")");
            }
            run("direct", null, kmod, callers, 1, null);
            Stats b = run("direct", null, kmod, callers, seconds, null);
            Replacer r = new Replacer(kmod, jar, liveMs);
            Stats s = run("direct", null, kmod, callers, seconds, r);
            felix.context.removeServiceListener(newest);
            System.out.printf("RESULT|hotswap|replace-%s|callers=%d|liveMs=%d|baseline_per_s=%.0f|swap_per_s=%.0f|stale=%d|swaps=%d|drop_pct=%.1f|worst_second_drop_pct=%.1f|cpu_drop_pct=%.1f|on_cpu_pct=%.0f/%.0f|other_cpu_ms_per_s=%.0f/%.0f%n",
                    variant, callers, liveMs, b.rate(), s.rate(), s.failed, r.swaps, 100 * (1 - s.rate() / b.rate()),
                    s.worstSecondDrop(b), s.cpuDrop(b), b.onCpu(callers), s.onCpu(callers),
                    b.otherCpuMsPerSecond(), s.otherCpuMsPerSecond());
        }
    }

    static final class Replacer extends Swapper {
        /** -Dhotswap.switch=true: also time each replace until the name finds the new instance. */
        static final boolean WATCH = Boolean.getBoolean("hotswap.switch");
        final java.util.List<Long> latencies = new java.util.ArrayList<>();
        final java.util.List<Long> starts = new java.util.ArrayList<>();
        /** Start of replace until the name switched (the new instance LIVE, followers moving to it). */
        final java.util.List<Long> toServing = new java.util.ArrayList<>();

        Replacer(FelixSupport.Kmod kmod, Path jar, long liveMs) {
            super(null, kmod, jar, liveMs);
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            try {
                while (!stop) {
                    long[] switched = new long[1];
                    Thread watcher = WATCH ? watch(switched) : null;
                    long t0 = System.nanoTime();
                    kmod.replace(jar);
                    starts.add(t0);
                    latencies.add(System.nanoTime() - t0);
                    if (watcher != null) {
                        watcher.join(10_000);
                        if (switched[0] != 0) {
                            toServing.add(switched[0] - t0);
                        }
                    }
                    swaps++;
                    Thread.sleep(liveMs);
                }
            } catch (Throwable t) {
                error = t;
            }
            totalNanos = System.nanoTime() - start;
        }

        /** Polls every 20 µs (bounded: 10 s) for the name to find another instance than now. */
        private Thread watch(long[] switched) {
            Object before = kmod.find("swapmod").orElse(null);
            Thread w = new Thread(() -> {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (System.nanoTime() < deadline) {
                    Object now = kmod.find("swapmod").orElse(null);
                    if (now != null && now != before) {
                        switched[0] = System.nanoTime();
                        return;
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                }
            }, "switch-watch");
            w.start();
            return w;
        }

        String toServingMs() {
            long[] ns = toServing.stream().mapToLong(Long::longValue).sorted().toArray();
            return ns.length == 0 ? "" : String.format("|to_serving_ms_median=%.1f|to_serving_ms_max=%.1f", ns[ns.length / 2] / 1e6, ns[ns.length - 1] / 1e6);
        }
    }

    static void publish(FelixSupport felix, FelixSupport.Kmod kmod, Object module) {
        current = kmod.guarded(module, IntUnaryOperator.class, rawService(felix, kmod, module));
    }

    static IntUnaryOperator rawService(FelixSupport felix, FelixSupport.Kmod kmod, Object module) {
        Bundle b = kmod.bundle(module);
        for (ServiceReference<?> ref : b.getRegisteredServices()) {
            Object s = felix.context.getService(ref);
            if (s instanceof IntUnaryOperator) {
                return (IntUnaryOperator) s;
            }
        }
        throw new IllegalStateException("the module registered no IntUnaryOperator");
    }

    static final class Stats {
        final LongAdder ok = new LongAdder();
        /** CPU time the callers got: calls per CPU second leave out time the callers were not running. */
        final LongAdder cpuNanos = new LongAdder();
        long refused;
        long failed;
        double seconds;

        java.util.List<long[]> samples = java.util.List.of();
        long startNanos;
        /** CPU time of this process's threads other than the callers (replacer, Felix, JIT, GC) during the window. */
        long otherCpuNanos;

        /** Of that, per second of the window, in ms. */
        double otherCpuMsPerSecond() {
            return otherCpuNanos / 1e6 / seconds;
        }

        double rate() {
            return ok.sum() / seconds;
        }

        double cpuRate() {
            return ok.sum() * 1e9 / cpuNanos.sum();
        }

        /** Drop in calls per caller CPU second: what slowed the callers while they ran, not CPU taken from them. */
        double cpuDrop(Stats base) {
            return 100 * (1 - cpuRate() / base.cpuRate());
        }

        /** The share of the wall-clock window the callers were on a CPU. */
        double onCpu(int callers) {
            return 100 * cpuNanos.sum() / (seconds * 1e9 * callers);
        }

        /** Calls per second in each whole second of the window (from the 10 ms samples). */
        double[] perSecond() {
            java.util.List<Double> rates = new java.util.ArrayList<>();
            long[] from = samples.isEmpty() ? null : samples.get(0);
            for (long[] x : samples) {
                if (x[0] - from[0] >= 1_000_000_000L) {
                    rates.add((x[1] - from[1]) * 1e9 / (x[0] - from[0]));
                    from = x;
                }
            }
            return rates.stream().mapToDouble(Double::doubleValue).toArray();
        }

        /** The largest drop of one second's rate below {@code base}'s mean, in percent. */
        double worstSecondDrop(Stats base) {
            double worst = 0;
            for (double r : perSecond()) {
                worst = Math.max(worst, 100 * (1 - r / base.rate()));
            }
            return worst;
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
        java.util.concurrent.atomic.AtomicLongArray progress = new java.util.concurrent.atomic.AtomicLongArray(callers);
        Thread[] threads = new Thread[callers];
        java.util.concurrent.atomic.AtomicBoolean stopFlag = new java.util.concurrent.atomic.AtomicBoolean();
        for (int t = 0; t < callers; t++) {
            int me = t;
            threads[t] = new Thread(() -> {
                long cpu0 = CPU.getCurrentThreadCpuTime();
                long ok = 0;
                int i = 0;
                while (!stopFlag.get()) {
                    for (int k = 0; k < 64; k++) {
                        i++;
                        try {
                            IntUnaryOperator s = "guarded".equals(kind) ? current : "direct".equals(kind) ? direct : tracker.getService();
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
                    progress.lazySet(me, ok); // once per 64 calls, for the per-second rates
                }
                stats.ok.add(ok);
                stats.cpuNanos.add(CPU.getCurrentThreadCpuTime() - cpu0);
            }, "caller-" + t);
        }
        long process0 = processCpu();
        long start = System.nanoTime();
        for (Thread t : threads) {
            t.start();
        }
        if (swapper != null) {
            swapper.start();
        }
        // samples of the calls completed so far, every 10 ms: the rate of each second of the window
        long end = start + (long) (seconds * 1e9);
        java.util.List<long[]> samples = new java.util.ArrayList<>();
        for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
            long sum = 0;
            for (int t = 0; t < callers; t++) {
                sum += progress.get(t);
            }
            samples.add(new long[] {now - start, sum});
            Thread.sleep(Math.max(1, Math.min(10, (end - now) / 1_000_000)));
        }
        stopFlag.set(true);
        for (Thread t : threads) {
            t.join();
        }
        stats.seconds = (System.nanoTime() - start) / 1e9;
        stats.otherCpuNanos = processCpu() - process0 - stats.cpuNanos.sum();
        stats.samples = samples;
        stats.startNanos = start;
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
