package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;

public class ModuleLoadTest extends KernelTestBase {

    @Test
    public void loadRunsInitInComingAndEndsLive() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        kernel.notifiers().register((event, m) -> seen.add(event + ":" + m.state()), 0);
        TestModules.INIT.put("a", ctx -> seen.add("init:" + ctx.module().state()));
        Module a = kernel.load(jars.module("a"), LoadOptions.defaults());

        assertEquals(ModuleState.LIVE, a.state());
        assertEquals(List.of("COMING:COMING", "init:COMING", "LIVE:LIVE"), seen);
        assertEquals(List.of("install a", "start a"), host.events);
        assertEquals(0, a.refcount());
        assertSame(a, kernel.find("a").orElseThrow());
        assertSame(a, kernel.find(a.bundle()).orElseThrow());
        assertEquals(List.of(a), kernel.modules());
    }

    @Test
    public void findsTheModuleOwningAClassOrLoader() throws Exception {
        Module a = kernel.load(jars.module("a"), LoadOptions.defaults());
        ClassLoader loader = host.installed.values().iterator().next().loader;
        Class<?> defined = Proxy.newProxyInstance(loader, new Class<?>[] {Runnable.class}, (p, m, args) -> null).getClass();
        assertSame(loader, defined.getClassLoader());
        assertSame(a, kernel.find(defined).orElseThrow());
        assertSame(a, kernel.find(loader).orElseThrow());
        assertFalse(kernel.find(String.class).isPresent());
        assertFalse(kernel.find(getClass()).isPresent());
    }

    @Test
    public void findsTheModuleOwningAStackFrameByClassName() throws Exception {
        Module a = kernel.load(jars.module("a", "X-Test-Packages", "org.example.a org.example.a.impl"), null);
        assertSame(a, kernel.findByClassName("org.example.a.impl.Worker").orElseThrow());
        assertSame(a, kernel.findByClassName("org.example.a.Api$Inner").orElseThrow());
        assertFalse(kernel.findByClassName("org.example.b.Other").isPresent());
        assertFalse(kernel.findByClassName("java.lang.Thread").isPresent());
        kernel.unload("a", null);
        assertFalse(kernel.findByClassName("org.example.a.impl.Worker").isPresent());
    }

    @Test
    public void unloadRunsExitNotifiesGoingThenFrees() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Module a = kernel.load(jars.module("a"), LoadOptions.defaults());
        kernel.notifiers().register((event, m) -> seen.add(event + ":" + m.state() + ":installed=" + host.installedNames()), 0);
        TestModules.EXIT.put("a", ctx -> seen.add("exit:" + ctx.module().state()));

        kernel.unload("a", null);

        assertEquals(List.of("exit:GOING", "GOING:GOING:installed=[a]"), seen);
        assertEquals(List.of("install a", "start a", "stop a", "uninstall a"), host.events);
        assertEquals(ModuleState.GOING, a.state());
        assertFalse(kernel.find("a").isPresent());
        assertTrue(kernel.modules().isEmpty());
        assertFalse("no reference on a freed module", a.tryGet());
        expect(Errno.ENOENT, a::get);
        expect(Errno.ENOENT, a::enter);
        // and it can be loaded again
        assertEquals(ModuleState.LIVE, kernel.load(jars.module("a"), null).state());
    }

    @Test
    public void initFailureLeavesNoTraceAndNamesTheInitError() throws Exception {
        kernel.load(jars.module("other"), null);
        String before = state();
        List<String> seen = new CopyOnWriteArrayList<>();
        kernel.notifiers().register((event, m) -> seen.add(event + ":" + m.name()), 0);
        TestModules.INIT.put("a", ctx -> {
            throw new ModuleException(Errno.ENODEV, "no such hardware");
        });
        Path jar = jars.module("a");

        ModuleException e = expect(Errno.ENODEV, () -> kernel.load(jar, null));

        assertTrue(e.getMessage(), e.getMessage().startsWith("could not insert module " + jar + ": No such device"));
        assertTrue(e.getMessage(), e.getMessage().contains("no such hardware"));
        assertEquals(before, state());
        assertEquals(List.of("COMING:a", "GOING:a"), seen);
        assertFalse("exit is not called after a failed init", TestModules.CALLS.contains("exit a"));
        assertTrue(host.events.containsAll(List.of("start a", "stop a", "uninstall a")));
        assertFalse(kernel.find("a").isPresent());

        TestModules.INIT.remove("a");
        assertEquals(ModuleState.LIVE, kernel.load(jar, null).state());
    }

    @Test
    public void anyOtherThrowableFromInitIsEio() throws Exception {
        String before = state();
        TestModules.INIT.put("a", ctx -> {
            throw new IllegalStateException("boom");
        });
        Path jar = jars.module("a");
        ModuleException e = expect(Errno.EIO, () -> kernel.load(jar, null));
        assertTrue(e.getMessage(), e.getMessage().contains("IllegalStateException: boom"));
        assertEquals(before, state());
    }

    @Test
    public void activatorFailureFailsTheLoadWithoutTrace() throws Exception {
        String before = state();
        Path jar = jars.module("a", "X-Test-Activator", "fail");
        ModuleException e = expect(Errno.EIO, () -> kernel.load(jar, null));
        assertTrue(e.getMessage(), e.getMessage().contains("Bundle-Activator failed"));
        assertFalse("init does not run when the activator failed", TestModules.CALLS.contains("init a"));
        assertEquals(before, state());
    }

    @Test
    public void badModuleInitClassIsInvalidFormat() throws Exception {
        String before = state();
        Path missing = jars.module("a", "Module-Init", "org.example.Missing");
        assertTrue(expect(Errno.ENOEXEC, () -> kernel.load(missing, null)).getMessage().contains("Invalid module format"));
        Path wrongType = jars.module("b", "Module-Init", TestModules.NotAnInit.class.getName());
        assertTrue(expect(Errno.ENOEXEC, () -> kernel.load(wrongType, null)).getMessage().contains("does not implement"));
        assertEquals(before, state());
    }

    @Test
    public void unresolvableModuleIsUnknownSymbolAndLeavesNoTrace() throws Exception {
        String before = state();
        Path jar = jars.module("a", "X-Test-Unresolved", "org.example.api");
        ModuleException e = expect(Errno.ENOENT, () -> kernel.load(jar, null));
        assertTrue(e.getMessage(), e.getMessage().contains("org.example.api"));
        assertEquals(before, state());
        assertEquals(List.of("install a", "uninstall a"), host.events);
    }

    @Test
    public void moduleWithoutInitClassLoadsOnItsActivatorAlone() throws Exception {
        Module a = kernel.load(jars.module("a", "Module-Init", null), null);
        assertEquals(ModuleState.LIVE, a.state());
        assertTrue(TestModules.CALLS.isEmpty());
        kernel.unload("a", null);
        assertTrue(TestModules.CALLS.isEmpty());
    }
}
