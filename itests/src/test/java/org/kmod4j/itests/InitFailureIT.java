package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.kmod4j.itests.Kmod.assertNoTrace;
import static org.kmod4j.itests.Kmod.clearTrace;
import static org.kmod4j.itests.Kmod.failure;
import static org.kmod4j.itests.Kmod.servicesOf;
import static org.kmod4j.itests.Kmod.snapshot;
import static org.kmod4j.itests.Kmod.trace;

import java.nio.file.Path;
import java.util.Map;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.paxexam.KmodTestSupport;

/**
 * A module whose init or Bundle-Activator fails is not loaded and leaves no trace: same registry,
 * same lsmod, same framework bundles and services; the name stays free for the next load.
 */
public class InitFailureIT extends KmodTestSupport {

    @Inject
    private CommandProcessor processor;

    private String snap() {
        return snapshot(bundleContext, container, processor);
    }

    /** With another module LIVE, so "unchanged" is not trivially "empty". */
    private void loadBystander() {
        container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
    }

    @Test
    public void initFailingWithENODEVLeavesNoTraceAndTheNameCanBeLoadedOnceFixed() {
        loadBystander();
        Path jar = KmodOptions.jar("tm-initfail");
        String before = snap();

        for (int attempt = 1; attempt <= 2; attempt++) {
            clearTrace("tm_initfail");
            ModuleException e = failure(Errno.ENODEV, () -> container.load(jar, LoadOptions.defaults()));
            // insmod: "could not insert module FILE: " + strerror(ENODEV)
            assertTrue(e.getMessage(), e.getMessage().startsWith("could not insert module " + jar + ": No such device"));
            // activator started, init ran (COMING) and failed; exit is never called for a failed init
            // (Linux do_init_module), the bundle was stopped and freed
            assertEquals("attempt " + attempt, "activator.start,init:COMING,activator.stop", trace("tm_initfail"));
            assertTrue(container.find("tm_initfail").isEmpty());
            assertTrue("the activator's service is gone", servicesOf(bundleContext, "tm_initfail").isEmpty());
            assertNoTrace("failed init (attempt " + attempt + ")", before, bundleContext, container, processor);
        }

        // "fixed": the same file with fail=n loads, under the same name
        clearTrace("tm_initfail");
        Module m = container.load(jar, LoadOptions.of(Map.of("fail", "n")));
        assertEquals("tm_initfail", m.name());
        assertEquals(ModuleState.LIVE, m.state());
        assertEquals("activator.start,init:COMING", trace("tm_initfail"));
        container.unload("tm_initfail", UnloadOptions.defaults());
        assertEquals("activator.start,init:COMING,exit:GOING,activator.stop", trace("tm_initfail"));
        assertEquals(before, snap());

        // and broken again: the same error again, still no trace
        ModuleException e = failure(Errno.ENODEV, () -> container.load(jar, LoadOptions.defaults()));
        assertNotNull(e.getMessage());
        assertNoTrace("failed init after a good load", before, bundleContext, container, processor);
    }

    @Test
    public void initThrowingARuntimeExceptionIsEIOAndLeavesNoTrace() {
        loadBystander();
        Path jar = KmodOptions.jar("tm-initthrows");
        String before = snap();
        for (int attempt = 1; attempt <= 2; attempt++) {
            clearTrace("tm_initthrows");
            ModuleException e = failure(Errno.EIO, () -> container.load(jar, LoadOptions.defaults()));
            assertTrue(e.getMessage(), e.getMessage().startsWith("could not insert module " + jar + ": Input/output error"));
            // kept as a detached copy (class name, message, stack), so it does not pin the failed module's loader
            assertTrue("the init's exception is kept as the cause: " + e, hasCause(e, IllegalStateException.class.getName()));
            assertEquals("init ran once, exit never", "init:COMING", trace("tm_initthrows"));
            assertTrue(container.find("tm_initthrows").isEmpty());
            assertNoTrace("init throwing (attempt " + attempt + ")", before, bundleContext, container, processor);
        }
    }

    @Test
    public void activatorFailingFailsTheLoadBeforeInitAndLeavesNoTrace() {
        loadBystander();
        Path jar = KmodOptions.jar("tm-activatorfail");
        String before = snap();
        Errno first = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            clearTrace("tm_activatorfail");
            ModuleException e = failure(() -> container.load(jar, LoadOptions.defaults()));
            assertTrue(e.getMessage(), e.getMessage().startsWith("could not insert module " + jar + ": "));
            if (first == null) {
                first = e.errno();
            } else {
                assertEquals("the same error again", first, e.errno());
            }
            // start threw: the framework does not call stop, and the module's init must not run
            assertEquals("activator.start", trace("tm_activatorfail"));
            assertTrue(container.find("tm_activatorfail").isEmpty());
            assertNoTrace("failing activator (attempt " + attempt + ")", before, bundleContext, container, processor);
        }
    }

    @Test
    public void insmodCommandReportsAFailedInitInKmodsWords() {
        Path jar = KmodOptions.jar("tm-initfail");
        String before = snap();
        Kmod.CommandResult r = Kmod.run(processor, "kmod:insmod '" + jar + "'");
        assertNotNull("insmod of a failing module fails: " + r, r.failure);
        assertTrue(r.toString(), r.err.contains("insmod: ERROR: "));
        assertNoTrace("insmod with failing init", before, bundleContext, container, processor);
    }

    private static boolean hasCause(Throwable t, String className) {
        for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
            if (c.toString().startsWith(className)) {
                return true;
            }
        }
        return false;
    }
}
