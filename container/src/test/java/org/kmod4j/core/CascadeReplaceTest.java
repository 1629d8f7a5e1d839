package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleRef;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.ReplaceOptions;

/** replace --cascade on the in-memory host: a ← b ← c (b uses a, c uses b), replaced from a. */
public class CascadeReplaceTest extends KernelTestBase {
    private static final ReplaceOptions CASCADE = ReplaceOptions.defaults().withCascade(true);

    private Module a;
    private Module b;
    private Module c;

    private void loadChain() throws Exception {
        a = kernel.load(jars.module("a"), null);
        b = kernel.load(jars.module("b", "X-Test-Uses", "a", "Module-Parameters", "k;type=STRING"), LoadOptions.of(Map.of("k", "v")));
        c = kernel.load(jars.module("c", "X-Test-Uses", "b"), null);
        TestModules.CALLS.clear();
    }

    private Module cascade(String version) throws Exception {
        return kernel.replace(jars.module("a", "Bundle-Version", version), null, CASCADE);
    }

    private KernelModule named(String name) {
        return (KernelModule) kernel.find(name).get();
    }

    @Test
    public void theHoldersAreReplacedInDependencyOrderAndWiredToTheNewInstances() throws Exception {
        loadChain();
        List<String> events = new CopyOnWriteArrayList<>();
        kernel.notifiers().register((event, mod) -> events.add(event + " " + mod.name() + (isOld(mod) ? " old" : " new")), 0);
        for (String n : List.of("a", "b", "c")) {
            // while each new init runs, every name still finds its old instance, LIVE
            TestModules.INIT.put(n, ctx -> events.add("init " + n + " names->" + (named("a") == a && named("b") == b
                    && named("c") == c && a.state() == ModuleState.LIVE && b.state() == ModuleState.LIVE
                    && c.state() == ModuleState.LIVE ? "old" : "moved")));
            TestModules.EXIT.put(n, ctx -> events.add("exit " + n + (isOld(ctx.module()) ? " old" : " new")));
        }
        Module a2 = cascade("2.0.0");

        assertSame(a2, kernel.find("a").get());
        assertEquals("2.0.0", a2.version());
        KernelModule b2 = named("b");
        KernelModule c2 = named("c");
        assertNotSame(b, b2);
        assertNotSame(c, c2);
        assertEquals(List.of(
                "COMING a new", "init a names->old", "COMING b new", "init b names->old", "COMING c new", "init c names->old",
                "LIVE a new", "LIVE b new", "LIVE c new",
                "exit c old", "GOING c old", "exit b old", "GOING b old", "exit a old", "GOING a old"), events);
        for (Module m : List.of(a2, b2, c2)) {
            assertEquals(m.name(), ModuleState.LIVE, m.state());
        }
        for (Module m : List.of(a, b, c)) {
            assertEquals(m.name(), ModuleState.GOING, m.state());
        }
        assertTrue("new b uses new a", b2.usesModule((KernelModule) a2));
        assertTrue("new c uses new b", c2.usesModule(b2));
        assertEquals(List.of("b"), a2.holders());
        assertEquals(List.of("c"), b2.holders());
        assertEquals(1, a2.refcount());
        assertEquals(Map.of("k", "v"), b2.parameters());
        assertEquals(3, kernel.modules().size());
        assertEquals(3, host.installed.size());
        String dmesg = log.entries().toString();
        assertTrue(dmesg, dmesg.contains("a: replaced 1.0.0 by 2.0.0"));
        assertTrue(dmesg, dmesg.contains("c: replaced 1.0.0 by 1.0.0 (cascade from a)"));
        // and the new set can be replaced (or unloaded) again as usual
        kernel.unload("c", null);
        kernel.unload("b", null);
        kernel.unload("a", null);
        assertTrue(kernel.modules().isEmpty());
        assertTrue(host.installed.isEmpty());
    }

    private boolean isOld(Module m) {
        return m == a || m == b || m == c;
    }

    @Test
    public void withoutCascadeTheHoldersRefuseIt() throws Exception {
        loadChain();
        String before = state();
        ModuleException e = expect(Errno.EWOULDBLOCK, () -> {
            try {
                kernel.replace(jars.module("a", "Bundle-Version", "2.0.0"), null, ReplaceOptions.defaults());
            } catch (java.io.IOException x) {
                throw new AssertionError(x);
            }
        });
        assertEquals("Module a is in use by: b", e.getMessage());
        assertEquals(before, state());
        assertEquals(List.of(), TestModules.CALLS);
    }

    @Test
    public void aFailedHolderInitTearsEveryNewInstanceDownAndLeavesTheOldOnesUntouched() throws Exception {
        loadChain();
        String before = state();
        TestModules.INIT.put("c", ctx -> {
            throw new ModuleException(Errno.ENODEV, "no device");
        });
        ModuleException e = expectCascade(Errno.ENODEV);
        assertTrue(e.getMessage(), e.getMessage().contains("init failed"));
        assertEquals(before, state());
        assertOldChainServes();
        assertEquals("new a and b ran their exit, the old ones did not",
                List.of("init a", "init b", "init c", "exit b", "exit a"), TestModules.CALLS);
        assertEquals(3, host.installed.size());
    }

    @Test
    public void aComingVetoOfAHolderLeavesTheOldOnesUntouched() throws Exception {
        loadChain();
        String before = state();
        kernel.notifiers().register((event, mod) -> {
            if (event == ModuleState.COMING && mod.name().equals("b")) {
                throw new ModuleException(Errno.EPERM, "not b");
            }
        }, 0);
        expectCascade(Errno.EPERM);
        assertEquals(before, state());
        assertOldChainServes();
        assertEquals(List.of("init a", "exit a"), TestModules.CALLS);
    }

    /** A reference taken on an old instance while the new ones load refuses the switch: all new go, all old stay. */
    @Test
    public void aReferenceOnAnOldInstanceRefusesTheSwitch() throws Exception {
        loadChain();
        String before = state();
        List<ModuleRef> held = new ArrayList<>();
        TestModules.INIT.put("c", ctx -> held.add(b.get()));
        ModuleException e = expectCascade(Errno.EWOULDBLOCK);
        assertEquals("Module b is in use", e.getMessage());
        held.forEach(ModuleRef::close);
        assertEquals(before, state());
        assertOldChainServes();
        assertEquals(List.of("init a", "init b", "init c", "exit c", "exit b", "exit a"), TestModules.CALLS);
    }

    @Test
    public void badInputLeavesStateExactlyAsBefore() throws Exception {
        loadChain();
        String before = state();
        // a reference held on a holder
        try (ModuleRef ref = c.get()) {
            assertEquals("Module c is in use", expectCascade(Errno.EWOULDBLOCK).getMessage());
        }
        assertEquals(before, state());
        // the root jar is not there
        expect(Errno.ENOENT, () -> kernel.replace(tmp.getRoot().toPath().resolve("nope.jar"), null, CASCADE));
        assertEquals(before, state());
        // a holder's jar is gone
        Files.delete(Path.of(c.filename()));
        expectCascade(Errno.ENOENT);
        assertEquals(before, state());
        // a holder's jar now holds another module
        Files.copy(jars.module("x"), Path.of(c.filename()));
        expectCascade(Errno.EINVAL);
        assertEquals(before, state());
        // bad parameters for the root
        expect(Errno.EINVAL, () -> {
            try {
                kernel.replace(jars.module("a", "Module-Parameters", "n;type=INT"), LoadOptions.of(Map.of("n", "x")), CASCADE);
            } catch (java.io.IOException x) {
                throw new AssertionError(x);
            }
        });
        assertEquals(before, state());
        assertOldChainServes();
        assertEquals(List.of(), TestModules.CALLS);
        assertEquals(3, host.installed.size());
    }

    /** From inside a read section of a holder, whose unload would wait for the caller: EDEADLK before anything changes. */
    @Test
    public void aCascadeFromInsideAHoldersReadSectionIsEdeadlk() throws Exception {
        loadChain();
        String before = state();
        Errno errno = within(10, async("cascade in c's read section", () -> {
            try (org.kmod4j.api.ModuleGuard g = c.enter()) {
                return expectCascade(Errno.EDEADLK).errno();
            }
        }), "cascade from a read section");
        assertEquals(Errno.EDEADLK, errno);
        assertEquals(before, state());
        assertOldChainServes();
        assertEquals("nothing of the new instances ran", List.of(), TestModules.CALLS);
    }

    /** a uses b and b uses a (a dynamic import made after the load): no dependency order, ELOOP, nothing changes. */
    @Test
    public void holdersThatUseEachOtherInACycleAreEloop() throws Exception {
        a = kernel.load(jars.module("a"), null);
        b = kernel.load(jars.module("b", "X-Test-Uses", "a"), null);
        host.installed.get(a.bundle().getBundleId()).laterWires.add(b.bundle().getBundleId());
        assertEquals(List.of("b"), a.uses());
        TestModules.CALLS.clear();
        String before = state();
        ModuleException e = expectCascade(Errno.ELOOP);
        assertTrue(e.getMessage(), e.getMessage().contains("cycle (a b)"));
        assertEquals(before, state());
        assertEquals(List.of(), TestModules.CALLS);
    }

    @Test
    public void aPermanentHolderIsEbusy() throws Exception {
        a = kernel.load(jars.module("a"), null);
        kernel.load(jars.module("b", "X-Test-Uses", "a"), LoadOptions.defaults().withPermanent(true));
        String before = state();
        ModuleException e = expectCascade(Errno.EBUSY);
        assertTrue(e.getMessage(), e.getMessage().contains("could not remove module b") && e.getMessage().contains("permanent"));
        assertEquals(before, state());
    }

    @Test
    public void cascadeOfAModuleNobodyHoldsIsAPlainReplace() throws Exception {
        a = kernel.load(jars.module("a"), null);
        Module a2 = cascade("2.0.0");
        assertSame(a2, kernel.find("a").get());
        assertEquals(ModuleState.GOING, a.state());
        assertEquals(List.of("init a", "init a", "exit a"), TestModules.CALLS);
        expect(Errno.ENOENT, () -> {
            try {
                kernel.replace(jars.module("z"), null, CASCADE);
            } catch (java.io.IOException x) {
                throw new AssertionError(x);
            }
        });
    }

    private ModuleException expectCascade(Errno errno) {
        return expect(errno, () -> {
            try {
                cascade("2.0.0");
            } catch (Exception x) {
                if (x instanceof ModuleException) {
                    throw (ModuleException) x;
                }
                throw new AssertionError(x);
            }
        });
    }

    private void assertOldChainServes() {
        assertSame(a, kernel.find("a").get());
        assertSame(b, kernel.find("b").get());
        assertSame(c, kernel.find("c").get());
        for (Module m : List.of(a, b, c)) {
            assertEquals(ModuleState.LIVE, m.state());
            m.enter().close();
        }
        assertEquals(List.of("b"), a.holders());
        assertEquals(List.of("c"), b.holders());
    }
}
