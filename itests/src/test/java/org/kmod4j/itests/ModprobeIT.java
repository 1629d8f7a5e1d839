package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.kmod4j.itests.Kmod.assertNoTrace;
import static org.kmod4j.itests.Kmod.failure;
import static org.kmod4j.itests.Kmod.names;
import static org.kmod4j.itests.Kmod.ok;
import static org.kmod4j.itests.Kmod.snapshot;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Before;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleRequester;
import org.kmod4j.paxexam.KmodTestSupport;
import org.ops4j.pax.exam.Option;

/**
 * modprobe and depmod over a folder of real bnd-built modules: mp_a → mp_b → mp_c (a
 * chain by Import-Package), mp_d → mp_b, mp_e → mp_c (a diamond), mp_card (aliases
 * {@code mpcard-*}, {@code mp-card-[0-9]}), mp_black (blacklisted), mp_soft (softdeps pre: mp_pre
 * mp_broken post: mp_post), mp_broken (init fails after its dependencies loaded), mp_unres (imports
 * a package nobody exports).
 */
public class ModprobeIT extends KmodTestSupport {
    static final List<String> MODULES = List.of("mp-a", "mp-b", "mp-c", "mp-d", "mp-e", "mp-card", "mp-black",
            "mp-soft", "mp-pre", "mp-post", "mp-broken", "mp-unres");

    @Inject
    private CommandProcessor processor;

    @Inject
    private ModuleRequester requester;

    @Override
    protected Option[] options() {
        Path modules = KmodOptions.scratchDir("modules-");
        Path conf = KmodOptions.scratchDir("conf-").resolve("modprobe.conf");
        try {
            for (String m : MODULES) {
                Files.copy(KmodOptions.jar(m), modules.resolve(m + ".jar"), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.writeString(conf, "# modprobe.conf for ModprobeIT\nblacklist mp_black\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Option[] {
            bundle(KmodOptions.jar("modprobe").toUri().toString()),
            frameworkProperty("kmod4j.modules.dir").value(modules.toString()),
            frameworkProperty("kmod4j.modprobe.conf").value(conf.toString()),
        };
    }

    @Before
    public void index() {
        assertNotNull(requester);
        ok(processor, "kmod:depmod");
        System.clearProperty("kmod4j.itest.mp");
    }

    private Path modulesDir() {
        return Path.of(bundleContext.getProperty("kmod4j.modules.dir"));
    }

    private static List<String> trace() {
        String t = System.getProperty("kmod4j.itest.mp", "");
        return t.isEmpty() ? List.of() : Arrays.asList(t.split(","));
    }

    private List<String> loaded() {
        List<String> n = new ArrayList<>(names(container));
        Collections.sort(n);
        return n;
    }

    private Kmod.CommandResult failing(String line) {
        Kmod.CommandResult r = Kmod.run(processor, line);
        assertNotNull("must fail: " + r, r.failure);
        return r;
    }

    @Test
    public void depmodIndexesTheFolderAndReusesUnchangedJars() throws Exception {
        Path index = modulesDir().resolve("index.xml");
        Files.delete(index);
        String out = ok(processor, "kmod:depmod " + modulesDir());
        assertTrue(out, out.contains("depmod: 12 modules indexed (12 analysed, 0 unchanged)"));
        String xml = Files.readString(index, StandardCharsets.UTF_8);
        assertTrue(xml.contains("namespace=\"kmod4j.module\""));
        assertTrue(xml.contains("mpcard-*"));
        assertTrue(xml.contains("pre: mp_pre mp_broken post: mp_post"));
        assertTrue(xml.contains("org.kmod4j.testmodules.mp.nowhere"));
        out = ok(processor, "kmod:depmod");
        assertTrue(out, out.contains("depmod: 12 modules indexed (0 analysed, 12 unchanged)"));
        Kmod.CommandResult r = failing("kmod:depmod " + modulesDir().resolve("no-such-dir"));
        assertTrue(r.toString(), r.err.startsWith("depmod: ERROR: could not open directory "));
    }

    @Test
    public void chainHeadLoadsTheWholeChainInDependencyOrder() {
        ok(processor, "kmod:modprobe mp_a");
        assertEquals(List.of("init:mp_c", "init:mp_b", "init:mp_a"), trace());
        assertEquals(List.of("mp_a", "mp_b", "mp_c"), loaded());
        assertEquals(List.of("mp_b"), container.find("mp_a").get().uses());
        assertEquals(List.of("mp_c"), container.find("mp_b").get().uses());
    }

    @Test
    public void replaceSwapsTheHeadAndIsRefusedForAHeldModule() {
        ok(processor, "kmod:modprobe mp_a");
        Module old = container.find("mp_a").get();
        ok(processor, "kmod:modprobe --replace mp_a");
        assertEquals("the new instance's init, then the old one's exit",
                List.of("init:mp_c", "init:mp_b", "init:mp_a", "init:mp_a", "exit:mp_a"), trace());
        assertEquals(List.of("mp_a", "mp_b", "mp_c"), loaded());
        assertTrue(old != container.find("mp_a").get());
        assertEquals(List.of("mp_b"), container.find("mp_a").get().uses());
        Kmod.CommandResult r = failing("kmod:modprobe --replace mp_c");
        assertTrue(r.toString(), r.err.contains("Module mp_c is in use by: mp_b"));
        assertEquals(List.of("mp_a", "mp_b", "mp_c"), loaded());
    }

    @Test
    public void replaceCascadeSwapsTheChainFromItsBase() {
        ok(processor, "kmod:modprobe mp_a");
        Module oldB = container.find("mp_b").get();
        ok(processor, "kmod:modprobe --replace --cascade mp_c");
        assertEquals("new inits in dependency order, then old exits in reverse",
                List.of("init:mp_c", "init:mp_b", "init:mp_a", "init:mp_c", "init:mp_b", "init:mp_a",
                        "exit:mp_a", "exit:mp_b", "exit:mp_c"), trace());
        assertEquals(List.of("mp_a", "mp_b", "mp_c"), loaded());
        assertTrue(oldB != container.find("mp_b").get());
        assertEquals(List.of("mp_c"), container.find("mp_b").get().uses());
        Kmod.CommandResult r = failing("kmod:modprobe --cascade mp_c");
        assertTrue(r.toString(), r.err.contains("--cascade only applies to --replace"));
    }

    @Test
    public void diamondLoadsTheSharedDependencyOnce() {
        ok(processor, "kmod:modprobe mp-d");
        List<String> t = trace();
        assertEquals(t.toString(), 4, t.size());
        assertEquals("init:mp_c", t.get(0));
        assertEquals("init:mp_d", t.get(3));
        assertTrue(t.containsAll(List.of("init:mp_b", "init:mp_e")));
        assertEquals(List.of("mp_b", "mp_c", "mp_d", "mp_e"), loaded());
        assertEquals(List.of("mp_b", "mp_e"), container.find("mp_c").get().holders());
    }

    @Test
    public void aliasWithWildcardsFindsTheModule() {
        List<Module> found = container.requestModule("mpcard-42");
        assertEquals(1, found.size());
        assertEquals("mp_card", found.get(0).name());
        container.unload("mp_card", null);
        ok(processor, "kmod:modprobe mp_card_7");
        assertEquals(List.of("mp_card"), loaded());
        Kmod.CommandResult r = failing("kmod:modprobe mp-card-x");
        assertTrue(r.toString(), r.err.startsWith("modprobe: ERROR: Module mp-card-x not found in directory "));
        assertEquals(Errno.ENOENT, ((ModuleException) r.failure).errno());
    }

    @Test
    public void blacklistAppliesThroughAnAliasOrAlwaysWithB() {
        String before = snapshot(bundleContext, container, processor);
        Kmod.CommandResult r = failing("kmod:modprobe mp-black-alias");
        assertTrue(r.toString(), r.err.contains("modprobe: ERROR: could not insert 'mp_black': Module is blacklisted"));
        assertEquals(Errno.EPERM, failure(() -> container.requestModule("mp-black-alias")).errno());
        assertNoTrace("a blacklisted alias", before, bundleContext, container, processor);

        r = failing("kmod:modprobe -b mp_black");
        assertTrue(r.toString(), r.err.contains("Module is blacklisted"));
        assertNoTrace("modprobe -b of a blacklisted name", before, bundleContext, container, processor);

        ok(processor, "kmod:modprobe mp_black");
        assertEquals(List.of("mp_black"), loaded());
    }

    @Test
    public void softdepsLoadAroundTheModuleAndAFailingOneIsNotFatal() {
        Kmod.CommandResult r = Kmod.run(processor, "kmod:modprobe mp_soft");
        assertNull(r.toString(), r.failure);
        assertTrue(r.toString(), r.err.contains("softdep pre: mp_broken of mp_soft failed (ignored)"));
        List<String> t = trace();
        assertTrue(t.toString(), t.indexOf("init:mp_pre") < t.indexOf("init:mp_soft"));
        assertTrue(t.toString(), t.indexOf("init:mp_broken") < t.indexOf("init:mp_soft"));
        assertTrue(t.toString(), t.indexOf("init:mp_soft") < t.indexOf("init:mp_post"));
        assertTrue(t.toString(), t.indexOf("init:mp_pre") >= 0);
        // the failed softdep's own dependencies were unloaded again
        assertTrue(t.toString(), t.contains("exit:mp_b") && t.contains("exit:mp_c"));
        assertEquals(List.of("mp_post", "mp_pre", "mp_soft"), loaded());
    }

    @Test
    public void unresolvableRequirementIsENOENTAndLeavesNothingLoaded() {
        String before = snapshot(bundleContext, container, processor);
        Kmod.CommandResult r = failing("kmod:modprobe mp_unres");
        assertEquals(Errno.ENOENT, ((ModuleException) r.failure).errno());
        assertTrue(r.toString(), r.err.startsWith("modprobe: ERROR: could not insert 'mp_unres': Unknown symbol in module"));
        assertTrue(r.toString(), r.err.contains("org.kmod4j.testmodules.mp.nowhere"));
        assertEquals(List.of(), trace());
        assertNoTrace("an unresolvable modprobe", before, bundleContext, container, processor);
    }

    @Test
    public void failedInitUnloadsTheDependenciesTheRequestLoaded() {
        String before = snapshot(bundleContext, container, processor);
        ModuleException e = failure(() -> container.requestModule("mp_broken"));
        assertTrue(e.getMessage(), e.getMessage().contains("mp_broken"));
        assertEquals(List.of("init:mp_c", "init:mp_b", "init:mp_broken", "exit:mp_b", "exit:mp_c"), trace());
        assertNoTrace("a request whose module fails to init", before, bundleContext, container, processor);
    }

    @Test
    public void dryRunPrintsInsmodLinesAndLoadsNothing() {
        String before = snapshot(bundleContext, container, processor);
        String out = ok(processor, "kmod:modprobe -n mp_a greeting=hi");
        List<String> lines = out.lines().collect(Collectors.toList());
        assertEquals(out, List.of(
                "insmod " + modulesDir().resolve("mp-c.jar"),
                "insmod " + modulesDir().resolve("mp-b.jar"),
                "insmod " + modulesDir().resolve("mp-a.jar") + " greeting=hi"), lines);
        assertEquals(List.of(), trace());
        assertNoTrace("modprobe -n", before, bundleContext, container, processor);

        ok(processor, "kmod:modprobe mp_c");
        assertEquals("-n skips what is loaded", 2, ok(processor, "kmod:modprobe -n mp_a").lines().count());
        assertEquals("-D shows every dependency", 3, ok(processor, "kmod:modprobe -D mp_a").lines().count());
    }

    @Test
    public void firstTimeFailsWithEEXISTWhenAlreadyLoaded() {
        ok(processor, "kmod:modprobe mp_c");
        ok(processor, "kmod:modprobe mp_c");
        Kmod.CommandResult r = failing("kmod:modprobe --first-time mp_c");
        assertEquals(Errno.EEXIST, ((ModuleException) r.failure).errno());
        assertTrue(r.toString(), r.err.contains("modprobe: ERROR: could not insert 'mp_c': Module already in kernel"));
        assertEquals(List.of("init:mp_c"), trace());
    }

    @Test
    public void removeUnloadsOrphanedDependenciesAndKeepsOnesStillUsed() {
        ok(processor, "kmod:modprobe mp_a");
        ok(processor, "kmod:modprobe mp_e");
        assertEquals(List.of("mp_a", "mp_b", "mp_c", "mp_e"), loaded());
        ok(processor, "kmod:modprobe -r mp_a");
        assertEquals("mp_c is still used by mp_e", List.of("mp_c", "mp_e"), loaded());
        ok(processor, "kmod:modprobe -r mp_e");
        assertEquals(List.of(), loaded());
        ok(processor, "kmod:modprobe -r mp_e");
        Kmod.CommandResult r = failing("kmod:modprobe -r --first-time mp_e");
        assertTrue(r.toString(), r.err.contains("modprobe: ERROR: Module mp_e is not in kernel."));
    }

    @Test
    public void removeWithWaitRetriesWhileInUse() throws Exception {
        ok(processor, "kmod:modprobe mp_c");
        Module c = container.find("mp_c").get();
        assertTrue(c.tryGet());
        Kmod.CommandResult r = failing("kmod:modprobe -r mp_c");
        assertEquals(Errno.EWOULDBLOCK, ((ModuleException) r.failure).errno());
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            c.put();
        });
        releaser.start();
        ok(processor, "kmod:modprobe -r -w 5000 mp_c");
        releaser.join();
        assertEquals(List.of(), loaded());
    }

    @Test
    public void burstOf64RequestsForOneAliasLoadsOnce() throws Exception {
        System.clearProperty("kmod4j.itest.mp_card.inits");
        int threads = 64;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        ConcurrentLinkedQueue<Object> results = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    List<Module> m = container.requestModule("mpcard-udev");
                    results.add(m.get(0).name());
                } catch (ModuleException e) {
                    results.add(e.errno() == Errno.EEXIST ? "mp_card" : e);
                } catch (Throwable e) {
                    results.add(e);
                } finally {
                    done.countDown();
                }
            }, "request-" + i);
            t.start();
        }
        start.countDown();
        assertTrue("all requests return", done.await(60, TimeUnit.SECONDS));
        assertEquals(threads, results.size());
        for (Object r : results) {
            assertEquals(String.valueOf(r), "mp_card", r);
        }
        assertEquals("exactly one load", "1", System.getProperty("kmod4j.itest.mp_card.inits"));
        assertEquals(List.of("mp_card"), loaded());
    }
}
