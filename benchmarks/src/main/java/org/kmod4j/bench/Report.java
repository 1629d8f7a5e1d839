package org.kmod4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Prints the results table of a run.sh results directory: JMH's CSV files ({@code *.csv}) and
 * the {@code RESULT|...} lines of the main() measurements ({@code *.txt}), as ratios against
 * the peers, with the project's target and whether it is met.
 */
public final class Report {
    final Map<String, Double> score = new HashMap<>();
    final Map<String, Map<String, String>> results = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    final StringBuilder out = new StringBuilder();

    public static void main(String[] args) throws IOException {
        Report r = new Report();
        Path dir = Path.of(args.length > 0 ? args[0] : "results");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                if (p.toString().endsWith(".csv")) {
                    r.readCsv(p);
                } else if (p.toString().endsWith(".txt")) {
                    r.readText(p);
                }
            }
        }
        r.print();
        System.out.print(r.out);
    }

    void readCsv(Path p) throws IOException {
        List<String> lines = Files.readAllLines(p);
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = csv(line);
            if (f.size() < 7) {
                continue;
            }
            String name = f.get(0).replace("org.kmod4j.bench.", "").replace('\u00b7', ':');
            int colon = name.indexOf(':');
            if (colon > 0 && name.indexOf(':', colon + 1) > 0) { // Bench.m:m:p0.99 (older JMH)
                name = name.substring(0, colon) + name.substring(name.lastIndexOf(':'));
            }
            try {
                score.put(name, Double.parseDouble(f.get(4)));
            } catch (NumberFormatException e) {
                // NaN rows
            }
        }
    }

    void readText(Path p) throws IOException {
        for (String line : Files.readAllLines(p)) {
            if (line.startsWith("RESULT|")) {
                String[] f = line.split("\\|");
                Map<String, String> kv = new LinkedHashMap<>();
                for (int i = 3; i < f.length; i++) {
                    int eq = f[i].indexOf('=');
                    if (eq > 0) {
                        kv.put(f[i].substring(0, eq), f[i].substring(eq + 1));
                    }
                }
                results.put(f[1] + "/" + f[2] + (f[1].equals("hotswap") ? "/" + kv.get("callers") : ""), kv);
            } else if (line.startsWith("LOAD|")) {
                notes.add(line.substring(5));
            }
        }
    }

    static List<String> csv(String line) {
        List<String> f = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean q = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                q = !q;
            } else if (c == ',' && !q) {
                f.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        f.add(cur.toString());
        return f;
    }

    Double s(String name) {
        return score.get(name);
    }

    static String fmt(Double v) {
        if (v == null) {
            return "—";
        }
        double a = Math.abs(v);
        return a >= 100 ? String.format("%.0f", v) : a >= 10 ? String.format("%.1f", v) : String.format("%.2f", v);
    }

    void row(String row, String what, String kmod, Double kv, String unit, String peer, Double pv, String target, Boolean met) {
        String ratio = kv == null || pv == null ? "—" : String.format("%.2f×", kv / pv);
        out.append(String.format("| %s | %s | %s %s | %s: %s %s | %s | %s | %s |%n", row, what, fmt(kv), unit, peer, fmt(pv), unit, ratio,
                target == null ? "" : target, met == null ? "" : met ? "met" : "**missed**"));
    }

    void print() {
        out.append("| row | measurement | kmod4j | peer | ratio kmod/peer | target | |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (String t : new String[] {"T1", "T2"}) {
            String p = "GuardBench." + t + ".";
            String th = t.equals("T1") ? "1 thread" : "2 threads, same object";
            Double g = s(p + "kmodGuardPair");
            Double a = s(p + "atomicLongPair");
            row("1", "guard enter/exit pair, " + th, "guard", g, "ns", "AtomicLong pair", a, t.equals("T1") ? "≤ 1.0×" : null,
                    t.equals("T1") && g != null && a != null ? g / a <= 1.0 : null);
            Double rw = s(p + "rwLockReadPair");
            row("1", "guard pair vs RRWL read, " + th, "guard", g, "ns", "ReentrantReadWriteLock", rw, t.equals("T2") ? "≤ 0.04× (≥ 25× faster)" : null,
                    t.equals("T2") && g != null && rw != null ? rw / g >= 25 : null);
            row("1", "guard pair vs StampedLock read, " + th, "guard", g, "ns", "StampedLock readLock", s(p + "stampedReadPair"), null, null);
            Double fx = s(p + "felixGetUngetService");
            row("1", "guard pair vs Felix get/ungetService, " + th, "guard", g, "ns", "Felix 7.0.5", fx, t.equals("T2") ? "≤ 0.033× (≥ 30× faster)" : null,
                    t.equals("T2") && g != null && fx != null ? fx / g >= 30 : null);
            row("1", "raw SRCU readLock/readUnlock, " + th, "srcu", s(p + "kmodSrcuReadLockUnlock"), "ns", "AtomicLong pair", a, null, null);
            row("1", "(info) StampedLock optimistic read + validate, " + th, "—", null, "ns", "StampedLock", s(p + "stampedOptimisticValidate"), null, null);
            row("1", "(info) call through Guarded proxy, " + th, "Guarded", s(p + "kmodGuardedProxyCall"), "ns", "direct call", s(p + "directCall"), null, null);
            Double proxy = s(p + "kmodGuardedProxyCall");
            Double pairCall = s(p + "kmodGuardPairAroundDirectCall");
            row("1", "call through Guarded proxy vs guard pair around the direct call, " + th, "Guarded", proxy, "ns",
                    "guard pair + call", pairCall, t.equals("T1") ? "≤ pair + 1.5 ns" : null,
                    t.equals("T1") && proxy != null && pairCall != null ? proxy <= pairCall + 1.5 : null);
        }
        Double g1 = s("GuardBench.T1.kmodGuardPair");
        Double g2 = s("GuardBench.T2.kmodGuardPair");
        row("1", "guard pair per-thread cost: 2 threads vs 1", "2 threads", g2, "ns", "1 thread", g1, "≤ 1.2×", g1 != null && g2 != null ? g2 / g1 <= 1.2 : null);
        row("1", "(control) direct call per-thread cost: 2 threads vs 1 (machine load, no sharing)", "2 threads", s("GuardBench.T2.directCall"), "ns",
                "1 thread", s("GuardBench.T1.directCall"), null, null);
        Double d1 = s("GuardBench.T1.directCall");
        Double d2 = s("GuardBench.T2.directCall");
        if (g1 != null && g2 != null && d1 != null && d2 != null) {
            double normalized = (g2 / g1) / (d2 / d1);
            out.append(String.format("| 1 | guard 2-thread/1-thread ratio divided by the control's | %.2f× | | | ≤ 1.2× | %s |%n",
                    normalized, normalized <= 1.2 ? "met (load-normalized)" : "**missed** (load-normalized)"));
        }
        for (String t : new String[] {"T1", "T2"}) {
            row("1", "(info) SrcuDomain.enter()+close, " + (t.equals("T1") ? "1 thread" : "2 threads"), "srcu guard", s("GuardBench." + t + ".kmodSrcuGuard"), "ns",
                    "AtomicLong pair", s("GuardBench." + t + ".atomicLongPair"), null, null);
        }
        for (String t : new String[] {"T1", "T2"}) {
            Double k = s("RefBench." + t + ".kmodTryGetPut");
            Double a = s("RefBench." + t + ".atomicIntegerPair");
            row("2", "tryGet/put pair, " + (t.equals("T1") ? "1 thread" : "2 threads"), "tryGet/put", k, "ns", "AtomicInteger pair", a, "≤ 1.5×",
                    k != null && a != null ? k / a <= 1.5 : null);
        }
        Double fn = s("LookupBench.kmodFindName");
        row("3", "find(String), 1,000 modules", "find", fn, "ns", "Felix getBundle(long)", s("LookupBench.felixGetBundleById"), null, null);
        row("3", "find(Class), 1,000 modules", "find", s("LookupBench.kmodFindClass"), "ns", "FrameworkUtil.getBundle(Class)", s("LookupBench.felixFrameworkUtilGetBundle"), null, null);
        Double fn1 = s("LookupBench.kmodFindName1");
        row("3", "find(String): 1,000 modules vs 1 module", "1,000", fn, "ns", "1 module", fn1, "unaffected (≈ 1×; ≤ 1.5× taken as met)",
                fn != null && fn1 != null ? fn / fn1 <= 1.5 : null);
        row("3", "lsmod listing (modules()), 1,000 modules", "modules()", s("LookupBench.kmodModulesList"), "ns", "Felix getBundles()", s("LookupBench.felixGetBundles"), null, null);
        for (String t : new String[] {"T1", "T2"}) {
            for (String pct : new String[] {"p0.50", "p0.90", "p0.99", "p0.999", "p0.9999", "p1.00"}) {
                Double k = s("RegistryChurnBench." + t + ".kmodFind:" + pct);
                Double rw = s("RegistryChurnBench." + t + ".rwLockFind:" + pct);
                row("4", "registry read latency " + pct + " under load/unload churn, " + (t.equals("T1") ? "1 reader" : "2 readers"),
                        "find", k, "ns", "RW-locked map", rw, null, null);
            }
        }
        Double burst = s("BurstBench.burst256Concurrent");
        row("5", "256 concurrent loads, 100 ms init: burst / one init", "burst", burst, "ms", "one init", 100.0, "≤ 1.5×",
                burst != null ? burst / 100.0 <= 1.5 : null);
        Double serial = s("BurstBench.serialLoads");
        Double serial256 = serial == null ? null : serial / 8 * 256;
        row("5", "256 loads: burst vs serialized (8 measured, ×32)", "burst", burst, "ms", "serialized ×256 est.", serial256, null, null);
        Double mr = s("ManifestReadBench.manifestReadBeforeMerge");
        row("5", "(diagnosis) per-caller manifest+digest read before the merge check", "ModuleManifest.read", mr, "µs", "one init", 100_000.0, null, null);
        Double kc = s("FelixCycleBench.kmodLoadUnload");
        Double fc = s("FelixCycleBench.felixInstallStartStopUninstallRefresh");
        row("6", "load+unload cycle on real Felix", "load+unload", kc, "µs", "install/start/stop/uninstall/refresh", fc, "≤ 1.2×",
                kc != null && fc != null ? kc / fc <= 1.2 : null);
        row("6", "(diagnosis) plain Felix making the container's framework calls + digest", "load+unload", kc, "µs", "Felix as the container calls it",
                s("FelixCycleBench.felixAsTheContainerCallsIt"), null, null);
        row("6", "(info) replace of a LIVE module (new load + old unload, one call)", "replace", s("FelixCycleBench.kmodReplace"), "µs",
                "kmod load+unload cycle", kc, null, null);
        for (String callers : new String[] {"1", "2"}) {
            Map<String, String> hr = results.get("hotswap/replace/" + callers);
            if (hr != null) {
                out.append(String.format("| 7 | replace (%s caller(s), %s ms LIVE per replace, %s replaces): failed / refused calls | %s failed, %s refused | — | — | 0 and 0 | %s |%n",
                        callers, hr.get("liveMs"), hr.get("swaps"), hr.get("failed"), hr.get("refused"),
                        "0".equals(hr.get("failed")) && "0".equals(hr.get("refused")) ? "met" : "**missed**"));
                out.append(String.format("| 7 | replace: reader throughput drop with replaces running (replace %s ms median) | %s%% | — | — | ≤ 5%% | %s |%n",
                        hr.get("replace_ms_median"), hr.get("drop_pct"), Double.parseDouble(hr.get("drop_pct")) <= 5 ? "met" : "**missed**"));
                Map<String, String> floor = results.get("hotswap/replace-floor/" + callers);
                Map<String, String> follow = results.get("hotswap/replace-follow/" + callers);
                if (floor != null && follow != null) {
                    out.append(String.format("| 7 | (diagnosis) same replaces, callers on a plain object never replaced (CPU stolen floor): drop | %s%% | proxy: %s%% | — | | |%n",
                            floor.get("drop_pct"), hr.get("drop_pct")));
                    out.append(String.format("| 7 | (diagnosis) drop in calls per caller CPU second: proxy / raw newest instance / plain object | %s%% | %s%% / %s%% | — | | |%n",
                            hr.get("cpu_drop_pct"), follow.get("cpu_drop_pct"), floor.get("cpu_drop_pct")));
                }
            }
            Map<String, String> hg = results.get("hotswap/guarded/" + callers);
            Map<String, String> ht = results.get("hotswap/tracker/" + callers);
            if (hg == null || ht == null) {
                continue;
            }
            out.append(String.format("| 7 | hot swap: failed calls (%s caller(s), %s ms LIVE per swap, %s swaps) | %s failed (%s ENOENT refusals) | ServiceTracker: %s failed (%s null) | — | 0 failed | %s |%n",
                    callers, hg.get("liveMs"), hg.get("swaps"), hg.get("failed"), hg.get("refused"), ht.get("failed"), ht.get("refused"),
                    "0".equals(hg.get("failed")) ? "met" : "**missed**"));
            out.append(String.format("| 7 | hot swap: reader throughput drop per LIVE second (overall) | %s%% (%s%%) | ServiceTracker: %s%% (%s%%) | — | ≤ 10%% | %s |%n",
                    hg.get("live_drop_pct"), hg.get("drop_pct"), ht.get("live_drop_pct"), ht.get("drop_pct"),
                    Double.parseDouble(hg.get("live_drop_pct")) <= 10 ? "met (per LIVE second)" : "**missed**"));
            out.append(String.format("| 7 | hot swap: baseline calls/s, no swapping | %s /s (Guarded proxy) | ServiceTracker: %s /s | %.2f× | | |%n",
                    hg.get("baseline_per_s"), ht.get("baseline_per_s"),
                    Double.parseDouble(hg.get("baseline_per_s")) / Double.parseDouble(ht.get("baseline_per_s"))));
        }
        Map<String, String> ck = results.get("classloaders/kmod");
        Map<String, String> cf = results.get("classloaders/felix");
        if (ck != null) {
            out.append(String.format("| 8 | class loaders reachable after %s load/unload cycles + GC | %s | plain Felix: %s | — | 0 | %s |%n",
                    ck.get("cycles"), ck.get("reachable"), cf == null ? "—" : cf.get("reachable"), "0".equals(ck.get("reachable")) ? "met" : "**missed**"));
            out.append(String.format("| 8 | heap used before → after (MB, after GC) | %s → %s | plain Felix: %s → %s | | | |%n",
                    ck.get("heap_before_mb"), ck.get("heap_after_mb"), cf == null ? "—" : cf.get("heap_before_mb"), cf == null ? "—" : cf.get("heap_after_mb")));
            out.append(String.format("| 8 | metaspace used before → after (MB) | %s → %s | plain Felix: %s → %s | | | |%n",
                    ck.get("meta_before_mb"), ck.get("meta_after_mb"), cf == null ? "—" : cf.get("meta_before_mb"), cf == null ? "—" : cf.get("meta_after_mb")));
        }
        if (!notes.isEmpty()) {
            out.append("\nLoad (uptime) at the start of each part:\n");
            for (String n : notes) {
                out.append("- ").append(n).append('\n');
            }
        }
    }
}
