package org.kmod4j.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.kmod4j.launcher.Kmod4jProcesses.ACPI;
import static org.kmod4j.launcher.Kmod4jProcesses.CPUFREQ;
import static org.kmod4j.launcher.Kmod4jProcesses.HELLO;
import static org.kmod4j.launcher.Kmod4jProcesses.assertContains;
import static org.kmod4j.launcher.Kmod4jProcesses.client;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.launcher.Kmod4jProcesses.Container;
import org.kmod4j.launcher.Kmod4jProcesses.Run;

/** kill -9, start again: the same modules, parameters and permanence, in dependency order. */
public class RestartIT {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void killMinus9AndRestartRestoresTheSameLsmod() throws Exception {
        Path state = tmp.newFolder("state").toPath();
        Path cwd = tmp.getRoot().toPath();
        Path logs = cwd.resolve("logs");
        // the modules come from copies that are deleted before the restart
        Path jars = tmp.newFolder("jars").toPath();
        Path hello = Files.copy(Path.of(HELLO), jars.resolve("hello.jar"));
        Path cpufreq = Files.copy(Path.of(CPUFREQ), jars.resolve("cpufreq.jar"));
        Path acpi = Files.copy(Path.of(ACPI), jars.resolve("acpi-cpufreq.jar"));
        String lsmod;
        String parameters;
        try (Container first = Kmod4jProcesses.start(state, logs, "--no-deploy").awaitReady()) {
            Run script = client(cwd, state, "insmod --permanent " + cpufreq + "; insmod " + hello
                    + " 'greeting=hello again' count=3; insmod " + acpi + "; lsmod");
            assertEquals(script.err(), 0, script.status());
            lsmod = script.out();
            assertTrue(lsmod, lsmod.matches("(?s).*\ncpufreq +\\d+  1 acpi_cpufreq,\\[permanent\\] +Live\n.*"));
            parameters = client(cwd, state, "modinfo", "-F", "parmvalue", "hello").out();
            assertContains(parameters, "greeting=hello again\n");
            first.kill();
        }
        Files.delete(hello);
        Files.delete(cpufreq);
        Files.delete(acpi);

        try (Container second = Kmod4jProcesses.start(state, logs, "--no-deploy").awaitReady()) {
            assertContains(Files.readString(second.out), "restored from the last run: cpufreq hello acpi_cpufreq\n");
            Run after = client(cwd, state, "lsmod");
            assertEquals(second.log(), 0, after.status());
            assertEquals(lsmod, after.out());
            assertEquals(parameters, client(cwd, state, "modinfo", "-F", "parmvalue", "hello").out());
            // still permanent
            Run rmmod = client(cwd, state, "rmmod", "acpi_cpufreq", "cpufreq");
            assertEquals(1, rmmod.status());
            assertContains(rmmod.err(), "rmmod: ERROR: ");
            // the unload of acpi_cpufreq is persisted too
            second.kill();
        }
        try (Container third = Kmod4jProcesses.start(state, logs, "--no-deploy").awaitReady()) {
            Run after = client(cwd, state, "lsmod");
            // newest first: restored in dependency order, cpufreq before hello
            assertTrue(after.out(), after.out().matches("(?s)Module +Size  Used by +State\n"
                    + "hello +\\d+  0 +Live\ncpufreq +\\d+  0 \\[permanent\\] +Live\n"));
        }
    }

    /** The state follows a replace: the new instance is what a restart loads (the old one's GOING does not drop it). */
    @Test
    public void aRestartAfterAReplaceRestoresTheNewInstance() throws Exception {
        Path state = tmp.newFolder("state-replace").toPath();
        Path cwd = tmp.getRoot().toPath();
        Path logs = cwd.resolve("logs-replace");
        Path hello = Files.copy(Path.of(HELLO), tmp.newFolder("jars-replace").toPath().resolve("hello.jar"));
        try (Container first = Kmod4jProcesses.start(state, logs, "--no-deploy").awaitReady()) {
            Run script = client(cwd, state, "insmod " + hello + " greeting=one; insmod --replace " + hello + " greeting=two");
            assertEquals(script.err(), 0, script.status());
            assertContains(client(cwd, state, "modinfo", "-F", "parmvalue", "hello").out(), "greeting=two\n");
            first.kill();
        }
        try (Container second = Kmod4jProcesses.start(state, logs, "--no-deploy").awaitReady()) {
            assertContains(Files.readString(second.out), "restored from the last run: hello\n");
            assertContains(client(cwd, state, "modinfo", "-F", "parmvalue", "hello").out(), "greeting=two\n");
            Run lsmod = client(cwd, state, "lsmod");
            assertTrue(lsmod.out(), lsmod.out().matches("(?s)Module +Size  Used by +State\nhello +\\d+  0 +Live\n"));
        }
    }

    /** After a replace --cascade, the state holds the new instances of the module and its holder, and a restart loads both. */
    @Test
    public void aRestartAfterACascadeReplaceRestoresTheModuleAndItsHolder() throws Exception {
        Path state = tmp.newFolder("state-cascade").toPath();
        Path cwd = tmp.getRoot().toPath();
        Path logs = cwd.resolve("logs-cascade");
        Path jars = tmp.newFolder("jars-cascade").toPath();
        Path cpufreq = Files.copy(Path.of(CPUFREQ), jars.resolve("cpufreq.jar"));
        Path acpi = Files.copy(Path.of(ACPI), jars.resolve("acpi-cpufreq.jar"));
        try (Container first = Kmod4jProcesses.start(state, logs, "--no-deploy").awaitReady()) {
            Run script = client(cwd, state, "insmod " + cpufreq + "; insmod " + acpi + "; insmod --replace --cascade " + cpufreq);
            assertEquals(script.err(), 0, script.status());
            Run dmesg = client(cwd, state, "dmesg");
            assertContains(dmesg.out(), "acpi_cpufreq: replaced ");
            assertContains(dmesg.out(), " (cascade from cpufreq)\n");
            first.kill();
        }
        try (Container second = Kmod4jProcesses.start(state, logs, "--no-deploy").awaitReady()) {
            assertContains(Files.readString(second.out), "restored from the last run: cpufreq acpi_cpufreq\n");
            Run lsmod = client(cwd, state, "lsmod");
            assertTrue(lsmod.out(), lsmod.out().matches("(?s)Module +Size  Used by +State\n"
                    + "acpi_cpufreq +\\d+  0 +Live\ncpufreq +\\d+  1 acpi_cpufreq +Live\n"));
        }
    }
}
