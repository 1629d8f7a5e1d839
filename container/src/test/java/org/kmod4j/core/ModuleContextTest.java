package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleRef;
import org.kmod4j.api.Taint;

/** What a module gets through its context: references and notifiers, cleaned up when it goes. */
public class ModuleContextTest extends KernelTestBase {

    @Test
    public void aReferenceTakenInInitBlocksTheTargetUntilClosed() throws Exception {
        Module lib = kernel.load(jars.module("lib"), null);
        ModuleRef[] held = new ModuleRef[1];
        TestModules.INIT.put("user", ctx -> held[0] = ctx.reference("lib"));
        TestModules.EXIT.put("user", ctx -> held[0].close());
        kernel.load(jars.module("user"), null);
        assertEquals(1, lib.refcount());
        expect(Errno.EWOULDBLOCK, () -> kernel.unload("lib", null));
        kernel.unload("user", null);
        assertEquals(0, lib.refcount());
        assertTrue("a module that puts its references causes no warning", kernel.taints().isEmpty());
        kernel.unload("lib", null);
    }

    @Test
    public void referencesLeftBehindArePutWithAWarning() throws Exception {
        Module lib = kernel.load(jars.module("lib"), null);
        TestModules.INIT.put("user", ctx -> ctx.reference("lib"));
        kernel.load(jars.module("user"), null);
        kernel.unload("user", null);
        assertEquals(0, lib.refcount());
        assertTrue(kernel.taints().contains(Taint.WARN));
        assertTrue(log.entries().toString().contains("user: left a reference on lib held; put for it"));
        kernel.unload("lib", null);
    }

    @Test
    public void aReferenceToAnAbsentModuleIsEnoent() throws Exception {
        TestModules.INIT.put("user", ctx -> expect(Errno.ENOENT, () -> ctx.reference("absent")));
        kernel.load(jars.module("user"), null);
        assertTrue(TestModules.CALLS.contains("init user"));
    }

    @Test
    public void aModulesNotifierHooksLaterModulesAndGoesWithIt() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        TestModules.INIT.put("hook", ctx -> ctx.registerNotifier((event, m) -> seen.add(event + " " + m.name()), 0));
        kernel.load(jars.module("hook"), null);
        kernel.load(jars.module("a"), null);
        kernel.unload("hook", null);
        kernel.unload("a", null);
        assertEquals("registered in init, it sees its own LIVE, then other modules, then its own GOING",
                List.of("LIVE hook", "COMING a", "LIVE a", "GOING hook"), seen);
    }
}
