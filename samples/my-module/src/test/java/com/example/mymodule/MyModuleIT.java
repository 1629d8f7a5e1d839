package com.example.mymodule;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.paxexam.KmodPaxExam;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** Loads the module built by this project into a real Felix with the kmod4j container, and unloads it. */
@RunWith(PaxExam.class)
public class MyModuleIT {

    @Inject
    private BundleContext context;

    @Inject
    private ModuleContainer container;

    @Configuration
    public Option[] config() {
        return new Option[] {KmodPaxExam.kmod4j()};
    }

    private static Path moduleJar() {
        return Path.of(System.getProperty("my-module.jar"));
    }

    @Test
    public void loadsWithParametersAndUnloads() throws Exception {
        Module m = container.load(moduleJar(), LoadOptions.of(Map.of("motd", "hi", "repeat", "2")));
        assertEquals("my_module", m.name());
        assertEquals(ModuleState.LIVE, m.state());

        ServiceReference<?>[] refs = context.getAllServiceReferences(Supplier.class.getName(), "(module=my_module)");
        assertEquals("hi hi", ((Supplier<?>) context.getService(refs[0])).get());
        context.ungetService(refs[0]);
        assertTrue(container.dmesg().stream().anyMatch(l -> l.endsWith("my_module: loaded: hi hi")));

        container.unload("my_module", UnloadOptions.defaults());
        assertTrue(container.find("my_module").isEmpty());
        assertNull(context.getAllServiceReferences(Supplier.class.getName(), "(module=my_module)"));
    }

    @Test
    public void refusesABadParameter() {
        try {
            container.load(moduleJar(), LoadOptions.of(Map.of("repeat", "often")));
            throw new AssertionError("loaded with repeat=often");
        } catch (ModuleException e) {
            assertEquals(Errno.EINVAL, e.errno());
        }
        assertTrue(container.modules().isEmpty());
    }

    @Test
    public void theAnnotationsBecameItsHeaders() {
        var info = container.inspect(moduleJar());
        assertEquals("my_module", info.name());
        assertEquals("A sample module built outside the kmod4j source tree", info.fields().get("description").get(0));
        assertEquals(2, info.parameterSpecs().size());
    }
}
