package com.example.mymodule;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;   // not java.lang.Module: import it by name, not with org.kmod4j.api.*
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.paxexam.KmodTestSupport;

/**
 * Loads the module this project builds into a real Felix with the kmod4j container (KmodTestSupport
 * provisions it, injects {@code container} and {@code bundleContext}, and unloads every module
 * after each test).
 */
public class MotdModuleIT extends KmodTestSupport {

    private static Path moduleJar() {
        return jar("module.jar");   // set by maven-failsafe-plugin in pom.xml
    }

    @Test
    public void loadsWithParametersAndUnloads() {
        Module m = load(moduleJar(), "motd=hi", "repeat=2");
        assertEquals("my_module", m.name());
        assertEquals(ModuleState.LIVE, m.state());

        // the service by name: a test that imported the module's API package would hold the module
        assertArrayEquals(new String[] {"com.example.mymodule.api.Motd"},
                (String[]) m.bundle().getRegisteredServices()[0].getProperty("objectClass"));
        assertTrue(container.dmesg().stream().anyMatch(l -> l.endsWith("my_module: loaded: hi hi")));
        assertTrue(kmod("lsmod").contains("my_module"));

        unload("my_module");
        assertTrue(container.find("my_module").isEmpty());
    }

    @Test
    public void refusesABadParameterWithEinval() {
        ModuleException e = loadFails(Errno.EINVAL, moduleJar(), "repeat=often");
        assertTrue(e.getMessage(), e.getMessage().contains("parameter 'repeat' (int): not an integer: 'often'"));
        assertTrue(container.modules().isEmpty());
    }

    @Test
    public void aFailingCommandReadsAsKmodsLine() {
        try {
            kmod("rmmod my_module");
            throw new AssertionError("rmmod of a module that is not loaded succeeded");
        } catch (ModuleException e) {
            assertEquals("rmmod: ERROR: Module my_module is not currently loaded", e.getMessage());
            assertEquals(Errno.ENOENT, e.errno());
        }
    }
}
