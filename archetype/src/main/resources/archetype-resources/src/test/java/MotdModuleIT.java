#set( $moduleName = $artifactId.replace("-", "_") )
package ${package};

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
        assertEquals("${moduleName}", m.name());
        assertEquals(ModuleState.LIVE, m.state());

        // the service by name: a test that imported the module's API package would hold the module
        assertArrayEquals(new String[] {"${package}.api.Motd"},
                (String[]) m.bundle().getRegisteredServices()[0].getProperty("objectClass"));
        assertTrue(container.dmesg().stream().anyMatch(l -> l.endsWith("${moduleName}: loaded: hi hi")));
        assertTrue(kmod("lsmod").contains("${moduleName}"));

        unload("${moduleName}");
        assertTrue(container.find("${moduleName}").isEmpty());
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
            kmod("rmmod ${moduleName}");
            throw new AssertionError("rmmod of a module that is not loaded succeeded");
        } catch (ModuleException e) {
            assertEquals("rmmod: ERROR: Module ${moduleName} is not currently loaded", e.getMessage());
            assertEquals(Errno.ENOENT, e.errno());
        }
    }
}
