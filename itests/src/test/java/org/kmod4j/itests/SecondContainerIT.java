package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.paxexam.KmodTestSupport;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * The state directory is locked against a second container: a second Felix in this JVM, with
 * its own storage but this framework's {@code kmod4j.state.dir}, gets the container extension
 * installed and its activator fails with EBUSY ("state directory X is in use by another kmod4j
 * container"), reported by Felix as a FrameworkEvent ERROR (see {@link SecondContainer}); the
 * second framework has no ModuleContainer service and the first container goes on working.
 */
public class SecondContainerIT extends KmodTestSupport {

    @Test
    public void aSecondContainerOnTheSameStateDirectoryIsRefused() throws Exception {
        String stateDir = SecondContainer.stateDir(bundleContext);
        ServiceReference<ModuleContainer> first = bundleContext.getServiceReference(ModuleContainer.class);

        Throwable failure = SecondContainer.refused(bundleContext, stateDir);

        // the errno-bearing exception of the container's activator, in our words
        assertEquals("the activator's exception: " + failure, ModuleException.class.getName(),
                failure.getClass().getName());
        ModuleException e = (ModuleException) failure;
        assertEquals(Errno.EBUSY, e.errno());
        assertTrue(e.getMessage(), e.getMessage().startsWith(
                "state directory " + stateDir + " is in use by another kmod4j container"));

        // the first container is still the same service and still works
        ServiceReference<ModuleContainer> now = bundleContext.getServiceReference(ModuleContainer.class);
        assertNotNull(now);
        assertSame(first.getBundle(), now.getBundle());
        assertEquals(first.getProperty("service.id"), now.getProperty("service.id"));
        Module m = container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
        assertEquals(ModuleState.LIVE, m.state());
        container.unload("tm_good", UnloadOptions.defaults());
        assertTrue(container.find("tm_good").isEmpty());
        assertEquals(Bundle.UNINSTALLED, m.bundle().getState());
        assertTrue(container.dmesg().toString(), container.dmesg().stream().anyMatch(l -> l.endsWith("tm_good: unloaded")));
    }
}
