package org.kmod4j.commands;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.Taint;

public class LsmodTest {

    private final Fakes.FakeContainer container = new Fakes.FakeContainer();
    private final Lsmod lsmod = new Lsmod(new ContainerAccess(() -> container));

    private void cpufreqAndFriends() {
        container.add("hello").size = 5004;
        Fakes.FakeModule cpufreq = container.add("cpufreq");
        cpufreq.size = 3908;
        cpufreq.refcount = 3;
        cpufreq.holders.addAll(List.of("acpi_cpufreq", "intel_pstate", "powernow_k8"));
        container.add("acpi_cpufreq").size = 3406;
    }

    @Test
    public void wideTerminalKeepsKmodsFormat() {
        cpufreqAndFriends();
        String text = lsmod.lsmod(Fakes.session(Map.of("COLUMNS", "200")));
        assertEquals(""
                + "Module                  Size  Used by                                  State\n"
                + "acpi_cpufreq            3406  0                                        Live\n"
                + "cpufreq                 3908  3 acpi_cpufreq,intel_pstate,powernow_k8  Live\n"
                + "hello                   5004  0                                        Live", text);
    }

    @Test
    public void outsideTheConsoleEveryNameIsWholeAndTheNewestComesFirst() {
        cpufreqAndFriends();
        container.add("a_module_with_a_rather_long_name_that_would_not_fit").holders.add(
                "another_module_whose_name_is_long_as_well_" + "x".repeat(40));
        String text = lsmod.lsmod(Fakes.session(Map.of()));
        String[] lines = text.split("\n");
        assertEquals(5, lines.length);
        assertTrue(lines[1], lines[1].startsWith("a_module_with_a_rather_long_name_that_would_not_fit"));
        assertTrue(lines[1], lines[1].contains("another_module_whose_name_is_long_as_well_" + "x".repeat(40) + "  Live"));
        assertTrue(lines[4], lines[4].startsWith("hello "));
        assertTrue(text, !text.contains("\u2026") && !text.contains("..."));
    }

    @Test
    public void usedByIsCutWithAnEllipsisToTheTerminalWidth() {
        cpufreqAndFriends();
        String text = lsmod.lsmod(Fakes.session(Map.of("COLUMNS", "50")));
        String[] lines = text.split("\n");
        for (String line : lines) {
            assertTrue("no line wider than 50: [" + line + "] " + line.length(), line.length() <= 50);
        }
        String ellipsis = Lsmod.ellipsis();
        // 19 + 1 + 8 + 2 + Used by + 2 + 5 ("State") = 50: Used by is cut from 39 to 13 columns
        String cell = "3 acpi_cpufreq,intel".substring(0, 13 - ellipsis.length()) + ellipsis;
        assertEquals("Module                  Size  " + String.format("%-13s", "Used by") + "  State", lines[0]);
        assertEquals("cpufreq                 3908  " + cell + "  Live", lines[2]);
        assertEquals("hello                   5004  " + String.format("%-13s", "0") + "  Live", lines[3]);
    }

    @Test
    public void cutKeepsTheTitleAndUsesTheGivenEllipsis() {
        cpufreqAndFriends();
        String text = Lsmod.render(container, 10, "...");
        String[] lines = text.split("\n");
        assertEquals("Module                  Size  Used by  State", lines[0]);
        assertEquals("cpufreq                 3908  3 ac...  Live", lines[2]);
    }

    @Test
    public void defaultWidthIs80AndColumnsMustBeANumber() {
        assertEquals(80, Terminal.width((org.apache.felix.service.command.CommandSession) null));
        assertEquals(80, Terminal.width(Fakes.session(Map.of())));
        assertEquals(80, Terminal.width(Fakes.session(Map.of("COLUMNS", "wide"))));
        assertEquals(132, Terminal.width(Fakes.session(Map.of("COLUMNS", 132))));
        assertEquals("not a jline terminal", 80, Terminal.width(Fakes.session(Map.of(".terminal", new Object()))));
    }

    @Test
    public void ellipsisFallsBackToAsciiWhereTheCharsetLacksIt() {
        assertEquals("\u2026", Lsmod.ellipsis(StandardCharsets.UTF_8));
        assertEquals("...", Lsmod.ellipsis(StandardCharsets.US_ASCII));
    }

    @Test
    public void noFormatIsTabSeparatedWithoutHeader() {
        cpufreqAndFriends();
        Fakes.FakeModule pinned = container.add("pinned");
        pinned.permanent = true;
        pinned.size = 77;
        pinned.state = ModuleState.GOING;
        pinned.refcount = -1;
        pinned.taints.add(Taint.FORCED_RMMOD);
        pinned.taints.add(Taint.PROPRIETARY_MODULE);
        container.taints.add(Taint.WARN);
        String text = lsmod.lsmod(Fakes.session(Map.of("COLUMNS", "10")), "--no-format");
        assertEquals(""
                + "pinned\t77\t-1\t[permanent]\tUnloading\tPR\n"
                + "acpi_cpufreq\t3406\t0\t-\tLive\t-\n"
                + "cpufreq\t3908\t3\tacpi_cpufreq,intel_pstate,powernow_k8\tLive\t-\n"
                + "hello\t5004\t0\t-\tLive\t-", text);
    }

    @Test
    public void noFormatWithoutModulesPrintsNothing() {
        assertNull(lsmod.lsmod(Fakes.session(Map.of()), "--no-format"));
    }

    @Test
    public void taintsHeaderAndModuleTaints() {
        container.taints.add(Taint.WARN);
        container.taints.add(Taint.FORCED_RMMOD);
        Fakes.FakeModule m = container.add("m");
        m.taints.add(Taint.WARN);
        m.permanent = true;
        String text = lsmod.lsmod(Fakes.session(Map.of()));
        assertEquals(""
                + "Tainted: RW\n"
                + "Module                  Size  Used by        State\n"
                + "m                       1234  0 [permanent]  Live (W)", text);
    }
}
