package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.kmod4j.itests.Kmod.assertNoTrace;
import static org.kmod4j.itests.Kmod.clearTrace;
import static org.kmod4j.itests.Kmod.failure;
import static org.kmod4j.itests.Kmod.frameworkHas;
import static org.kmod4j.itests.Kmod.lsmod;
import static org.kmod4j.itests.Kmod.lsmodRow;
import static org.kmod4j.itests.Kmod.servicesOf;
import static org.kmod4j.itests.Kmod.snapshot;
import static org.kmod4j.itests.Kmod.trace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleInfo;
import org.kmod4j.api.ModuleRef;
import org.kmod4j.api.ParameterSpec;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.paxexam.KmodTestSupport;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;

/** Loading and unloading real modules; lookups; EEXIST and rmmod of an unknown name. */
public class LoadUnloadIT extends KmodTestSupport {

    @Inject
    private CommandProcessor processor;

    private String snap() {
        return snapshot(bundleContext, container, processor);
    }

    @Test
    public void goodModuleLoadsLiveAndUnloadsWithoutATrace() throws Exception {
        Path jar = KmodOptions.jar("tm-good");
        clearTrace("tm_good");
        String before = snap();

        Module m = container.load(jar, LoadOptions.defaults());

        assertEquals("tm_good", m.name());
        assertEquals(ModuleState.LIVE, m.state());
        assertFalse(m.isPermanent());
        assertEquals(Files.size(jar), m.size());
        assertTrue("filename " + m.filename() + " names " + jar, m.filename().endsWith(jar.getFileName().toString()));
        Bundle bundle = m.bundle();
        assertEquals(Bundle.ACTIVE, bundle.getState());
        assertEquals("org.kmod4j.tm.good", bundle.getSymbolicName());
        assertTrue(frameworkHas(bundleContext, bundle.getBundleId()));
        // the Bundle-Activator ran first, then init, while the module was COMING
        assertEquals("activator.start,init:COMING", trace("tm_good"));

        assertNotEquals("a loaded module shows in the snapshot", before, snap());
        // visible: by name, in the registry, as the service init registered, in lsmod
        assertSame(m, container.find("tm_good").orElseThrow());
        assertEquals(List.of("tm_good"), Kmod.names(container));
        List<ServiceReference<?>> refs = servicesOf(bundleContext, "tm_good");
        assertEquals(1, refs.size());
        assertEquals(bundle, refs.get(0).getBundle());
        Object service = bundleContext.getService(refs.get(0));
        try {
            assertEquals("hello from tm_good", ((Supplier<?>) service).get());
        } finally {
            bundleContext.ungetService(refs.get(0));
        }
        String lsmod = lsmod(processor);
        assertTrue("lsmod starts with kmod's header:\n" + lsmod, lsmod.startsWith(Kmod.LSMOD_HEADER));
        String row = lsmodRow(lsmod, "tm_good");
        assertNotNull("lsmod lists tm_good:\n" + lsmod, row);
        // kmod's row format: "%-19s %8ld  %d" (name, size, refcnt)
        assertTrue("row [" + row + "]", row.startsWith(String.format("%-19s %8d  %d", "tm_good", m.size(), 0)));

        container.unload("tm_good", UnloadOptions.defaults());

        // exit ran while GOING, then the Bundle-Activator stopped
        assertEquals("activator.start,init:COMING,exit:GOING,activator.stop", trace("tm_good"));
        assertEquals(ModuleState.GOING, m.state());
        assertFalse("no reference on an unloaded module", m.tryGet());
        // the bundle is gone from the framework, uninstalled and refreshed away
        assertEquals(Bundle.UNINSTALLED, bundle.getState());
        assertFalse("framework still has bundle " + bundle.getBundleId(), frameworkHas(bundleContext, bundle.getBundleId()));
        assertNull(bundleContext.getBundle(bundle.getBundleId()));
        assertTrue(bundleContext.getBundle(0).adapt(FrameworkWiring.class).getRemovalPendingBundles().isEmpty());
        assertTrue(container.find("tm_good").isEmpty());
        assertTrue(container.find(bundle).isEmpty());
        assertTrue(servicesOf(bundleContext, "tm_good").isEmpty());
        assertNull(lsmodRow(lsmod(processor), "tm_good"));
        assertEquals("load + unload leaves the container as it was", before, snap());

        // and it loads again
        Module again = container.load(jar, LoadOptions.defaults());
        assertEquals(ModuleState.LIVE, again.state());
        assertTrue(again.bundle().getBundleId() != bundle.getBundleId());
    }

    @Test
    public void findsTheModuleOfAClassABundleAndAClassLoader() throws Exception {
        Module m = container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
        ServiceReference<?> ref = servicesOf(bundleContext, "tm_good").get(0);
        Object service = bundleContext.getService(ref);
        try {
            Class<?> moduleClass = service.getClass(); // a lambda class defined by the module's loader
            assertSame(m, container.find(moduleClass).orElseThrow());
            Class<?> initClass = m.bundle().loadClass("org.kmod4j.testmodules.good.GoodModule");
            assertSame(m, container.find(initClass).orElseThrow());
            assertSame(m, container.find(initClass.getClassLoader()).orElseThrow());
            assertSame(m, container.find(m.bundle()).orElseThrow());
        } finally {
            bundleContext.ungetService(ref);
        }
        // not modules: a JDK class, the test probe's classes and bundle, the system bundle
        assertTrue(container.find(String.class).isEmpty());
        assertTrue(container.find(getClass()).isEmpty());
        assertTrue(container.find(bundleContext.getBundle()).isEmpty());
        assertTrue(container.find(bundleContext.getBundle(0)).isEmpty());
        assertTrue(container.find("tm_nosuch").isEmpty());
    }

    @Test
    public void plainBundleIsNamedAfterItsSymbolicName() {
        clearTrace("plain");
        Module m = container.load(KmodOptions.jar("tm-plain"), LoadOptions.defaults());
        assertEquals("org.kmod4j.tm.plain", m.name());
        assertEquals(m.bundle().getSymbolicName(), m.name());
        assertEquals(ModuleState.LIVE, m.state());
        assertEquals("activator.start", trace("plain"));
        assertNotNull(lsmodRow(lsmod(processor), "org.kmod4j.tm.plain"));
        container.unload("org.kmod4j.tm.plain", UnloadOptions.defaults());
        assertEquals("activator.start,activator.stop", trace("plain"));
        assertTrue(container.find("org.kmod4j.tm.plain").isEmpty());
    }

    @Test
    public void loadingALiveNameAgainIsEEXISTAndChangesNothing() {
        Path jar = KmodOptions.jar("tm-good");
        Module first = container.load(jar, LoadOptions.defaults());
        clearTrace("tm_good");
        String before = snap();

        ModuleException e = failure(Errno.EEXIST, () -> container.load(jar, LoadOptions.defaults()));
        // insmod: "could not insert module <file>: File exists" (strerror(EEXIST)), detail may follow
        assertTrue(e.getMessage(), e.getMessage().startsWith("could not insert module " + jar + ": File exists"));

        assertNoTrace("EEXIST", before, bundleContext, container, processor);
        assertEquals("the live module was not touched", "", trace("tm_good"));
        assertSame(first, container.find("tm_good").orElseThrow());
        assertEquals(ModuleState.LIVE, first.state());
    }

    @Test
    public void rmmodOfAnUnknownNameIsENOENT() {
        container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
        String before = snap();
        ModuleException e = failure(Errno.ENOENT, () -> container.unload("tm_nosuch", UnloadOptions.defaults()));
        assertEquals("Module tm_nosuch is not currently loaded", e.getMessage());
        assertNoTrace("rmmod tm_nosuch", before, bundleContext, container, processor);

        // twice the same unload: the second is ENOENT too
        container.unload("tm_good", UnloadOptions.defaults());
        String afterUnload = snap();
        e = failure(Errno.ENOENT, () -> container.unload("tm_good", UnloadOptions.defaults()));
        assertEquals("Module tm_good is not currently loaded", e.getMessage());
        assertNoTrace("second rmmod tm_good", afterUnload, bundleContext, container, processor);
    }

    @Test
    public void commandsLoadListAndUnload() {
        Path jar = KmodOptions.jar("tm-good");
        String before = snap();
        Kmod.ok(processor, "kmod:insmod '" + jar + "'");
        assertEquals(ModuleState.LIVE, container.find("tm_good").orElseThrow().state());
        assertNotNull(lsmodRow(lsmod(processor), "tm_good"));
        Kmod.ok(processor, "kmod:rmmod tm_good");
        assertTrue(container.find("tm_good").isEmpty());
        assertEquals(before, snap());

        Kmod.CommandResult r = Kmod.run(processor, "kmod:rmmod tm_good");
        assertNotNull("rmmod of a module not loaded fails: " + r, r.failure);
        assertTrue(r.toString(), r.err.contains("rmmod: ERROR: Module tm_good is not currently loaded"));
        assertEquals(before, snap());
    }
    @Test
    public void inspectAndModinfoReadTheManifestWithoutLoading() throws Exception {
        Path jar = KmodOptions.jar("tm-params");
        String before = snap();
        ModuleInfo info = container.inspect(jar);
        assertEquals("tm_params", info.name());
        assertEquals(Files.size(jar), info.size());
        assertEquals(List.of("greeting", "count", "verbose", "limit"),
                info.parameterSpecs().stream().map(ParameterSpec::name).collect(Collectors.toList()));
        assertEquals(List.of("kmod4j integration-test module with typed parameters"), info.fields().get("description"));
        assertEquals(List.of("Apache-2.0"), info.fields().get("license"));
        // kmod's modinfo: "%-16s" key, then the value; parm: is "name:description (type)"
        String out = Kmod.ok(processor, "kmod:modinfo '" + jar + "'");
        assertTrue(out, out.contains(String.format("%-16s%s", "description:", "kmod4j integration-test module with typed parameters")));
        assertTrue(out, out.contains(String.format("%-16s%s", "parm:", "count:How often (int)")));
        assertEquals("inspect and modinfo FILE load nothing", before, snap());

        Module m = container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
        assertEquals(List.of("tm-good-alias"), m.info().get("alias"));
        assertEquals(List.of("kmod4j developers"), m.info().get("author"));
        String loaded = Kmod.ok(processor, "kmod:modinfo tm_good");
        assertTrue(loaded, loaded.contains(String.format("%-16s%s", "alias:", "tm-good-alias")));
    }

    @Test
    public void aReferencedModuleIsInUseUntilPut() {
        Module m = container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
        assertEquals(0, m.refcount());
        assertTrue(m.tryGet());
        assertEquals(1, m.refcount());
        String held = snap();
        ModuleException e = failure(Errno.EWOULDBLOCK, () -> container.unload("tm_good", UnloadOptions.defaults()));
        assertEquals("Module tm_good is in use", e.getMessage());
        assertNoTrace("rmmod of a referenced module", held, bundleContext, container, processor);
        assertEquals(ModuleState.LIVE, m.state());

        try (ModuleRef ref = m.get()) {
            assertSame(m, ref.module());
            assertEquals(2, m.refcount());
        }
        m.put();
        assertEquals(0, m.refcount());
        container.unload("tm_good", UnloadOptions.defaults());
        assertTrue(container.find("tm_good").isEmpty());
    }
}
