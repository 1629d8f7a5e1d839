package org.kmod4j.commands;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;

public class ModuleArgumentsTest {

    @Test
    public void keyValuePairsSplitAtTheFirstEquals() {
        assertEquals(Map.of("greeting", "hi", "expr", "a=b=c"),
                LoadOptions.parseParameters(List.of("greeting=hi", "expr=a=b=c")));
    }

    @Test
    public void bareKeyHasAnEmptyValueAndLaterKeysWin() {
        Map<String, String> parameters = LoadOptions.parseParameters(List.of("debug", "count=1", "count=2"));
        assertEquals("", parameters.get("debug"));
        assertEquals("2", parameters.get("count"));
        assertEquals(List.of("debug", "count"), List.copyOf(parameters.keySet()));
    }

    @Test
    public void emptyKeyIsInvalid() {
        try {
            LoadOptions.parseParameters(List.of("=x"));
            fail();
        } catch (ModuleException e) {
            assertEquals(Errno.EINVAL, e.errno());
        }
    }

    @Test
    public void filenamesAreTellableFromModuleNames() {
        assertTrue(ModuleArguments.isModuleFilename("target/hello.jar"));
        assertTrue(ModuleArguments.isModuleFilename("hello.jar"));
        assertTrue(ModuleArguments.isModuleFilename("file:/tmp/hello.jar"));
        assertFalse(ModuleArguments.isModuleFilename("acpi_cpufreq"));
        assertFalse(ModuleArguments.isModuleFilename("hello"));
    }

    @Test
    public void fileUrlsAndRelativePaths() {
        assertEquals(Paths.get("/tmp/x.jar"), ModuleArguments.file(null, "file:/tmp/x.jar"));
        assertEquals(Paths.get("/abs/y.jar"), ModuleArguments.file(null, "/abs/y.jar"));
        Path relative = ModuleArguments.file(null, "some/z.jar");
        assertTrue(relative.isAbsolute());
        assertEquals(Paths.get("").toAbsolutePath().resolve("some/z.jar"), relative);
    }
}
