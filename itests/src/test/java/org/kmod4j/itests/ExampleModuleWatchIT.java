package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Before;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.paxexam.KmodTestSupport;

/** The module-watch example: a notifier registered through ModuleContext hooks other modules' loads. */
public class ExampleModuleWatchIT extends KmodTestSupport {

    @Before
    public void clearLog() {
        container.clearDmesg();
    }

    @Test
    public void logsComingLiveGoingOfOtherModules() {
        Examples.load(container, "module-watch");
        Examples.load(container, "hello");
        container.unload("hello", UnloadOptions.defaults());
        List<String> events = Examples.dmesg(container, "module_watch: hello ");
        assertEquals(3, events.size());
        assertTrue(events.toString(), events.get(0).startsWith("module_watch: hello COMING"));
        assertTrue(events.toString(), events.get(1).startsWith("module_watch: hello LIVE"));
        assertTrue(events.toString(), events.get(2).startsWith("module_watch: hello GOING"));

        // the notifier goes with its module: no events after module_watch is unloaded
        container.unload("module_watch", UnloadOptions.defaults());
        container.clearDmesg();
        Examples.load(container, "hello");
        assertEquals(List.of(), Examples.dmesg(container, "module_watch:"));
    }

    @Test
    public void vetoesTheModulesItDenies() {
        Examples.load(container, "module-watch", "deny", "pcc_cpufreq,nothing_else");
        Examples.load(container, "cpufreq");
        String before = Kmod.snapshot(bundleContext, container, null);
        ModuleException e = Kmod.failure(Errno.EPERM, () -> Examples.load(container, "pcc-cpufreq"));
        assertTrue(e.getMessage(), e.getMessage().contains("module_watch denies loading pcc_cpufreq"));
        Kmod.assertNoTrace("a vetoed insmod", before, bundleContext, container, null);
        assertEquals(List.of("module_watch: pcc_cpufreq COMING: denied"), Examples.dmesg(container, "module_watch: pcc_cpufreq"));

        container.unload("module_watch", UnloadOptions.defaults());
        Examples.load(container, "pcc-cpufreq");
    }
}
