package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.UnloadOptions;

/** A wire made after the load (DynamicImport-Package) holds its provider from the moment it exists. */
public class WireLinksTest extends KernelTestBase {

    private TestHost.TestHosted hosted(Module m) {
        return host.installed.get(m.bundle().getBundleId());
    }

    @Test
    public void aLaterWireIsAHolderOfItsProvider() throws Exception {
        Module lib = kernel.load(jars.module("lib"), null);
        Module user = kernel.load(jars.module("user"), null);
        assertEquals(List.of(), lib.holders());
        assertEquals(0, lib.refcount());

        hosted(user).laterWires.add(lib.bundle().getBundleId()); // the first class loaded through it
        assertEquals(List.of("user"), lib.holders());
        assertEquals(List.of("lib"), user.uses());
        assertEquals("the link holds one reference", 1, lib.refcount());
        assertEquals("linked once, however often asked", List.of("user"), lib.holders());
        assertEquals(1, lib.refcount());

        String held = state();
        assertEquals("Module lib is in use by: user",
                expect(Errno.EWOULDBLOCK, () -> kernel.unload("lib", null)).getMessage());
        expect(Errno.EWOULDBLOCK, () -> kernel.unload("lib", UnloadOptions.defaults().withForce(true)));
        assertEquals(held, state());

        kernel.unload("user", null);
        assertEquals(List.of(), lib.holders());
        assertEquals(0, lib.refcount());
        kernel.unload("lib", null);
        assertTrue(kernel.modules().isEmpty());
    }

    @Test
    public void rmmodSeesALaterWireWithoutAskingForHoldersFirst() throws Exception {
        Module lib = kernel.load(jars.module("lib"), null);
        Module user = kernel.load(jars.module("user"), null);
        hosted(user).laterWires.add(lib.bundle().getBundleId());
        assertEquals("Module lib is in use by: user",
                expect(Errno.EWOULDBLOCK, () -> kernel.unload("lib", null)).getMessage());
    }
}
