package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.kmod4j.itests.Kmod.assertNoTrace;
import static org.kmod4j.itests.Kmod.clearTrace;
import static org.kmod4j.itests.Kmod.failure;
import static org.kmod4j.itests.Kmod.lsmod;
import static org.kmod4j.itests.Kmod.lsmodRow;
import static org.kmod4j.itests.Kmod.servicesOf;
import static org.kmod4j.itests.Kmod.snapshot;
import static org.kmod4j.itests.Kmod.trace;

import java.util.List;
import java.util.function.Supplier;

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
import org.osgi.framework.ServiceReference;

/** tm_user imports tm_lib's package: it cannot load alone, and it holds tm_lib while loaded. */
public class DependenciesIT extends KmodTestSupport {

    @Inject
    private CommandProcessor processor;

    @Test
    public void userWithoutItsLibraryFailsWithENOENTAndLeavesNoTrace() {
        container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
        clearTrace("tm_user");
        String before = snapshot(bundleContext, container, processor);
        // insmod does no dependency resolution; an unresolved import is Linux's "Unknown symbol" (ENOENT)
        ModuleException e = failure(Errno.ENOENT, () -> container.load(KmodOptions.jar("tm-user"), LoadOptions.defaults()));
        assertTrue(e.getMessage(), e.getMessage().startsWith("could not insert module "));
        assertEquals("init never ran", "", trace("tm_user"));
        assertTrue(container.find("tm_user").isEmpty());
        assertNoTrace("loading tm_user without tm_lib", before, bundleContext, container, processor);
    }

    @Test
    public void userHoldsItsLibraryUntilUnloaded() {
        String empty = snapshot(bundleContext, container, processor);
        Module lib = container.load(KmodOptions.jar("tm-lib"), LoadOptions.defaults());
        Module user = container.load(KmodOptions.jar("tm-user"), LoadOptions.defaults());
        assertEquals(ModuleState.LIVE, lib.state());
        assertEquals(ModuleState.LIVE, user.state());

        List<ServiceReference<?>> refs = servicesOf(bundleContext, "tm_user");
        assertEquals(1, refs.size());
        Object service = bundleContext.getService(refs.get(0));
        assertEquals("hello tm_user from tm_lib", ((Supplier<?>) service).get());
        bundleContext.ungetService(refs.get(0));

        assertEquals(List.of("tm_user"), lib.holders());
        assertEquals(List.of("tm_lib"), user.uses());
        assertEquals(List.of(), user.holders());
        // kmod lsmod: "%-19s %8ld  %d" then the holders; the use link holds one reference on tm_lib
        assertEquals(1, lib.refcount());
        String row = lsmodRow(lsmod(processor), "tm_lib");
        assertTrue("lsmod 'Used by' names tm_user: [" + row + "]",
                row != null && row.startsWith(String.format("%-19s %8d  %d %s", "tm_lib", lib.size(), 1, "tm_user")));

        // held: rmmod tm_lib is refused, forced or not, and changes nothing
        String held = snapshot(bundleContext, container, processor);
        ModuleException e = failure(Errno.EWOULDBLOCK, () -> container.unload("tm_lib", UnloadOptions.defaults()));
        assertEquals("Module tm_lib is in use by: tm_user", e.getMessage());
        assertNoTrace("rmmod tm_lib while held", held, bundleContext, container, processor);
        failure(Errno.EWOULDBLOCK, () -> container.unload("tm_lib", UnloadOptions.defaults().withForce(true)));
        assertNoTrace("rmmod -f tm_lib while held", held, bundleContext, container, processor);

        container.unload("tm_user", UnloadOptions.defaults());
        assertEquals(List.of(), lib.holders());
        container.unload("tm_lib", UnloadOptions.defaults());
        assertEquals(empty, snapshot(bundleContext, container, processor));
    }
}
