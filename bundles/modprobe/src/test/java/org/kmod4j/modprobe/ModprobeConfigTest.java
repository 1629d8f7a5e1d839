package org.kmod4j.modprobe;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.Test;

public class ModprobeConfigTest {

    @Test
    public void blacklistLinesCommentsAndNormalisation() {
        ModprobeConfig c = ModprobeConfig.parse("# comment\n\nblacklist mp-black\n  blacklist   other_mod  \n"
                + "alias foo bar\ninstall x /bin/true\n");
        assertTrue(c.isBlacklisted("mp_black"));
        assertTrue(c.isBlacklisted("mp-black"));
        assertTrue(c.isBlacklisted("other-mod"));
        assertFalse(c.isBlacklisted("foo"));
        assertFalse(c.isBlacklisted("bar"));
        assertEquals(2, c.blacklist().size());
        assertTrue(c.warnings().isEmpty());
    }

    @Test
    public void badBlacklistLineIsIgnoredWithAWarning() {
        ModprobeConfig c = ModprobeConfig.parse("blacklist\nblacklist a b\nblacklist ok\n");
        assertEquals(List.of("line 1: ignoring bad line starting with 'blacklist'",
                "line 2: ignoring bad line starting with 'blacklist'"), c.warnings());
        assertTrue(c.isBlacklisted("ok"));
        assertFalse(c.isBlacklisted("a"));
    }

    @Test
    public void continuationAndOptions() {
        ModprobeConfig c = ModprobeConfig.parse("options mp-a greeting=hi \\\n count=3 flag\nblacklist \\\n x\n");
        assertEquals(Map.of("greeting", "hi", "count", "3", "flag", ""), c.options("mp_a"));
        assertTrue(c.isBlacklisted("x"));
        assertEquals(Map.of(), c.options("nothing"));
    }

    @Test
    public void missingFileIsEmpty() throws Exception {
        Path dir = Files.createTempDirectory("modprobe-conf");
        assertTrue(ModprobeConfig.read(dir.resolve("absent.conf")).blacklist().isEmpty());
        Path f = dir.resolve("modprobe.conf");
        Files.writeString(f, "blacklist y\n");
        assertTrue(ModprobeConfig.read(f).isBlacklisted("y"));
    }
}
