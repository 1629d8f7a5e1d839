package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.lang.ref.WeakReference;
import java.nio.file.Path;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleNotifier;
import org.kmod4j.api.ModuleState;
import org.kmod4j.paxexam.KmodTestSupport;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.wiring.BundleWiring;

/**
 * The exception of a failed init, kept by the caller (as a shell keeps its last exception), must
 * not keep the failed module's class loader alive: the container hands out a detached copy.
 */
public class FailedInitLeakIT extends KmodTestSupport {

    @Test
    public void aKeptInitExceptionDoesNotPinTheFailedModulesClassLoader() throws Exception {
        WeakReference<?>[] loader = new WeakReference<?>[1];
        ModuleNotifier watch = (event, module) -> {
            if (event == ModuleState.COMING && module.name().equals("tm_initthrows")) {
                loader[0] = new WeakReference<>(module.bundle().adapt(BundleWiring.class).getClassLoader());
            }
        };
        ServiceRegistration<ModuleNotifier> reg = bundleContext.registerService(ModuleNotifier.class, watch, null);
        ModuleException kept;
        try {
            Path jar = KmodOptions.jar("tm-initthrows");
            kept = Kmod.failure(Errno.EIO, () -> container.load(jar, LoadOptions.defaults()));
        } finally {
            reg.unregister();
        }
        assertNotNull("saw the module's class loader at COMING", loader[0]);
        assertTrue("the cause names the init's exception: " + kept.getCause(),
                kept.getCause().toString().startsWith("java.lang.IllegalStateException"));
        for (int i = 0; i < 100 && loader[0].get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals("the failed module's class loader is collected while its exception is still held", null, loader[0].get());
        assertTrue(kept.getMessage(), kept.getMessage().startsWith("could not insert module"));
    }
}
