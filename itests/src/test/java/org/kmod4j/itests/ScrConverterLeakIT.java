package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.Test;
import org.kmod4j.paxexam.KmodTestSupport;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.UnloadOptions;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Felix SCR registers a Gogo converter that is a Proxy not equal to itself, so Gogo never removes
 * it and SCR's class loader stays reachable after SCR is gone. Plain Felix + Gogo shows it; the
 * kmod commands bundle drops a module's converters at GOING, so 20 SCR load/unload cycles leak
 * no class loader.
 */
public class ScrConverterLeakIT extends KmodTestSupport {
    private static final List<String> SCR_AND_API = List.of("osgi.function", "osgi.promise", "osgi.component", "scr");



    @Inject
    private CommandProcessor processor;



    /** Gogo's converter set (CommandProcessorImpl.converters). */
    private Collection<?> converters() throws ReflectiveOperationException {
        for (Class<?> c = processor.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField("converters");
                f.setAccessible(true);
                return (Collection<?>) f.get(processor);
            } catch (NoSuchFieldException e) {
                // look further up
            }
        }
        throw new AssertionError("not Gogo's CommandProcessorImpl: " + processor.getClass());
    }

    private static boolean fromScr(Object converter) {
        Class<?> type = Proxy.isProxyClass(converter.getClass()) ? Proxy.getInvocationHandler(converter).getClass()
                : converter.getClass();
        return type.getName().startsWith("org.apache.felix.scr.");
    }

    private long scrConverters() throws ReflectiveOperationException {
        return converters().stream().filter(ScrConverterLeakIT::fromScr).count();
    }

    @Test
    public void plainFelixAndGogoKeepScrsConverterAfterScrIsUninstalled() throws Exception {
        assertEquals(0, scrConverters());
        List<Bundle> bundles = new ArrayList<>();
        try {
            for (String key : SCR_AND_API) {
                bundles.add(bundleContext.installBundle("file:" + KmodOptions.jar(key) + "#plain", null));
            }
            for (Bundle b : bundles) {
                b.start();
            }
            assertEquals("SCR added its converter", 1, scrConverters());
            for (Bundle b : bundles) {
                b.uninstall();
            }
            CountDownLatch refreshed = new CountDownLatch(1);
            bundleContext.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(bundles, e -> refreshed.countDown());
            assertTrue(refreshed.await(30, TimeUnit.SECONDS));
            assertEquals("upstream: Gogo 1.1.6 cannot remove SCR 2.2.10's converter proxy (it is not equal to itself)",
                    1, scrConverters());
        } finally {
            converters().removeIf(ScrConverterLeakIT::fromScr); // leave this framework clean
        }
    }

    @Test
    public void twentyScrLoadUnloadCyclesLeakNoClassLoader() throws Exception {
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        for (int cycle = 0; cycle < 20; cycle++) {
            List<Module> loaded = new ArrayList<>();
            for (String key : SCR_AND_API) {
                loaded.add(container.load(KmodOptions.jar(key), LoadOptions.defaults()));
            }
            Module scr = loaded.get(loaded.size() - 1);
            loaders.add(new WeakReference<>(scr.bundle().adapt(BundleWiring.class).getClassLoader()));
            assertEquals("SCR added its converter", 1, scrConverters());
            Kmod.lsmod(processor); // formats through the converters
            for (int i = loaded.size() - 1; i >= 0; i--) {
                container.unload(loaded.get(i).name(), UnloadOptions.defaults());
            }
            assertEquals("the module's converter is gone with it", 0, scrConverters());
        }
        for (int i = 0; i < 100 && loaders.stream().anyMatch(r -> r.get() != null); i++) {
            System.gc();
            Thread.sleep(20);
        }
        long leaked = loaders.stream().filter(r -> r.get() != null).count();
        assertEquals("SCR class loaders still reachable after 20 load/unload cycles", 0, leaked);
        assertFalse(container.dmesg().toString(), container.dmesg().stream().anyMatch(l -> l.contains("still referenced")));
    }
}
