package org.kmod4j.admin;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.admin.ModuleStateFile.Entry;

public class ModuleStateFileTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void roundTripKeepsOrderParametersAndOddCharacters() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("greeting", "a=b \\ \"c\" #d !e\nf ünï");
        params.put("empty", "");
        List<Entry> entries = List.of(
                new Entry("cpufreq", "modules/cpufreq-1.jar", "/x/cpufreq.jar", "ab", true, List.of(), Map.of()),
                new Entry("hello", null, "/x/h e.jar", null, false, List.of("cpufreq", "other"), params));
        Path file = tmp.getRoot().toPath().resolve(ModuleStateFile.NAME);
        ModuleStateFile.write(file, entries);
        assertEquals(entries, ModuleStateFile.read(file));
        assertFalse("no temporary file left", Files.exists(file.resolveSibling("." + ModuleStateFile.NAME + ".tmp")));
    }

    @Test
    public void noFileIsNoModules() throws Exception {
        assertTrue(ModuleStateFile.read(tmp.getRoot().toPath().resolve("none")).isEmpty());
    }

    @Test
    public void dependencyOrderLoadsUsedModulesFirstAndKeepsRecordedOrderOtherwise() {
        List<Entry> recorded = List.of(entry("acpi", "cpufreq", "util"), entry("hello"), entry("util"),
                entry("cpufreq", "util"), entry("x", "missing"));
        List<String> order = ModuleStateFile.dependencyOrder(recorded).stream().map(Entry::name)
                .collect(Collectors.toList());
        assertEquals(List.of("hello", "util", "cpufreq", "acpi", "x"), order);
    }

    @Test
    public void aCycleKeepsRecordedOrderAtTheEnd() {
        List<Entry> recorded = List.of(entry("a", "b"), entry("b", "a"), entry("c"));
        List<String> order = ModuleStateFile.dependencyOrder(recorded).stream().map(Entry::name)
                .collect(Collectors.toList());
        assertEquals(List.of("c", "a", "b"), order);
    }

    private static Entry entry(String name, String... uses) {
        return new Entry(name, null, null, null, false, List.of(uses), Map.of());
    }
}
