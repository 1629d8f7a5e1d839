package org.kmod4j.core;

import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;
import org.kmod4j.api.Errno;

/**
 * A failed load leaves its reason in dmesg, not only on the terminal of whoever typed insmod:
 * an unresolved requirement as kmod's "Unknown symbol" line, a failed init with the exception
 * and the module's own frames (the container's are cut), as an oops shows its call trace.
 */
public class LoadFailureDmesgTest extends KernelTestBase {

    @Test
    public void anUnresolvedRequirementIsInDmesg() throws Exception {
        java.nio.file.Path jar = jars.module("a", "X-Test-Unresolved", "org.example.api");
        expect(Errno.ENOENT, () -> kernel.load(jar, null));
        List<String> dmesg = kernel.dmesg();
        // the host's own words (on Felix: "could not insert module …: Unknown symbol in module (missing requirement …)")
        assertTrue(dmesg.toString(), dmesg.stream().anyMatch(l -> l.endsWith("] a: test host: unresolved org.example.api")));
    }

    @Test
    public void aFailedInitLeavesItsExceptionAndFramesInDmesg() throws Exception {
        TestModules.INIT.put("b", context -> Integer.parseInt("zero"));
        java.nio.file.Path jar = jars.module("b");
        expect(Errno.EIO, () -> kernel.load(jar, null));
        List<String> dmesg = kernel.dmesg();
        assertTrue(dmesg.toString(), dmesg.stream().anyMatch(l -> l.contains("b: init failed: EIO")));
        assertTrue(dmesg.toString(), dmesg.stream().anyMatch(
                l -> l.contains("b: java.lang.NumberFormatException: For input string: \"zero\"")));
        assertTrue(dmesg.toString(), dmesg.stream().anyMatch(l -> l.contains("b:     at java.base/java.lang.Integer.parseInt(")));
        assertTrue("the container's own frames are cut: " + dmesg,
                dmesg.stream().noneMatch(l -> l.contains("at org.kmod4j.core.")));
    }
}
