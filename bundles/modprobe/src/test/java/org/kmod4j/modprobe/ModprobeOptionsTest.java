package org.kmod4j.modprobe;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;

public class ModprobeOptionsTest {

    @Test
    public void nameThenParameters() {
        ModprobeOptions o = ModprobeOptions.parse("-n", "--first-time", "mp_a", "k=v", "flag", "x=a=b");
        assertTrue(o.dryRun);
        assertTrue(o.firstTime);
        assertEquals(List.of("mp_a"), o.modules);
        assertEquals(Map.of("k", "v", "flag", "", "x", "a=b"), o.parameters);
    }

    @Test
    public void removeWithWaitTakesSeveralNames() {
        ModprobeOptions o = ModprobeOptions.parse("-r", "-w", "250", "a", "b");
        assertTrue(o.remove);
        assertEquals(250, o.waitMillis);
        assertEquals(List.of("a", "b"), o.modules);
        assertEquals(100, ModprobeOptions.parse("-r", "--wait=100", "a").waitMillis);
    }

    @Test
    public void cascadeGoesWithReplaceOnlyAndTheUsageShowsIt() {
        ModprobeOptions o = ModprobeOptions.parse("--replace", "--cascade", "mp_c", "k=v");
        assertTrue(o.replace && o.cascade);
        assertEquals(List.of("mp_c"), o.modules);
        assertTrue(!ModprobeOptions.parse("--replace", "mp_c").cascade);
        try {
            ModprobeOptions.parse("--cascade", "mp_c");
            fail("--cascade without --replace");
        } catch (ModuleException e) {
            assertEquals(org.kmod4j.api.Errno.EINVAL, e.errno());
            assertEquals("--cascade only applies to --replace", e.getMessage());
        }
        String usage = new picocli.CommandLine(new ModprobeOptions()).getUsageMessage(picocli.CommandLine.Help.Ansi.OFF);
        assertTrue(usage, usage.startsWith("Usage: modprobe [-abDhnr] [--cascade] [--first-time] [--replace]"));
        assertTrue(usage, usage.matches("(?s).*\\n +--cascade +With --replace: replace the modules wired to it too.*"));
    }

    @Test
    public void replaceTakesOneNameAndItsParameters() {
        ModprobeOptions o = ModprobeOptions.parse("--replace", "mp_a", "k=v");
        assertTrue(o.replace);
        assertEquals(List.of("mp_a"), o.modules);
        assertEquals(Map.of("k", "v"), o.parameters);
        for (String[] args : new String[][] {{"--replace", "-r", "a"}, {"-n", "--replace", "a"}, {"-a", "--replace", "a"}}) {
            try {
                ModprobeOptions.parse(args);
                fail(String.join(" ", args));
            } catch (ModuleException e) {
                assertEquals(String.join(" ", args), org.kmod4j.api.Errno.EINVAL, e.errno());
            }
        }
    }

    @Test
    public void errors() {
        for (String[] args : new String[][] {{}, {"-x", "a"}, {"-w", "5", "a"}, {"-r", "-w", "soon", "a"}, {"a", "=v"}}) {
            try {
                ModprobeOptions.parse(args);
                fail(String.join(" ", args));
            } catch (ModuleException e) {
                assertEquals(Errno.EINVAL, e.errno());
            }
        }
    }
}
