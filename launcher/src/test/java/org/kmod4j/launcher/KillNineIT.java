package org.kmod4j.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.kmod4j.launcher.Kmod4jProcesses.ACPI;
import static org.kmod4j.launcher.Kmod4jProcesses.CPUFREQ;
import static org.kmod4j.launcher.Kmod4jProcesses.HELLO;
import static org.kmod4j.launcher.Kmod4jProcesses.client;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.admin.ModuleStateFile;
import org.kmod4j.admin.ModuleStateFile.Entry;
import org.kmod4j.launcher.Kmod4jProcesses.Container;
import org.kmod4j.launcher.Kmod4jProcesses.Run;

/**
 * Fault test: {@code kill -9} (Process.destroyForcibly) of a running container while a client
 * script over the control socket loads, replaces ({@code insmod --replace hello.jar}, and
 * {@code insmod --replace --cascade cpufreq.jar}, which replaces acpi_cpufreq with it) and unloads
 * modules (hello, cpufreq, acpi_cpufreq which uses cpufreq) as fast as it can, and, every third round, while the container is still
 * restoring. After every kill: {@code <state dir>/modules.state} parses, every entry's jar copy is
 * there with its recorded SHA-256; the restart restores exactly the recorded modules, and lsmod
 * shows them all Live (nothing stuck Loading or Unloading), with the state file rewritten to
 * match.
 *
 * <p>20 rounds by default (about 90 s on 2 busy cores); {@code -Dkmod4j.fault.rounds=N} changes it
 * ({@code mvn -pl launcher verify -Dit.test=KillNineIT -Dkmod4j.fault.rounds=100}).
 */
public class KillNineIT {
    private static final int ROUNDS = Integer.getInteger("kmod4j.fault.rounds", 20);
    private static final Set<String> KNOWN = Set.of("hello", "cpufreq", "acpi_cpufreq");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void killDuringLoadsUnloadsAndRestoresLosesNothing() throws Exception {
        Path state = tmp.newFolder("state").toPath();
        Path cwd = tmp.getRoot().toPath();
        Path logs = cwd.resolve("logs");
        Random random = new Random(Long.getLong("kmod4j.fault.seed", System.nanoTime()));
        List<String> history = new ArrayList<>();
        int killedInRestore = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Set<String> recorded = checkStateFile(state);
            if (round % 3 == 2 && !recorded.isEmpty()) {
                // kill while Felix starts and the recorded modules are restored
                Container c = Kmod4jProcesses.start(state, logs, "--no-deploy");
                Thread.sleep(300 + random.nextInt(1500));
                c.kill();
                killedInRestore++;
                Set<String> after = checkStateFile(state);
                assertEquals("a kill during the restore loses no recorded module (round " + round + ")", recorded, after);
            }
            try (Container c = Kmod4jProcesses.start(state, logs, "--no-deploy").awaitReady()) {
                Run lsmod = client(cwd, state, "lsmod");
                assertEquals(c.log(), 0, lsmod.status());
                Set<String> live = liveModules(lsmod.out(), c);
                assertEquals("restart " + round + " restores exactly the recorded modules; " + c.log(), recorded, live);
                assertEquals("the state file matches lsmod after the restore", live, checkStateFile(state));
                assertFalse(c.log(), Files.readString(c.err).contains("cannot restore"));

                // churn: unload what is there, then load and unload in a loop until killed
                StringBuilder script = new StringBuilder();
                for (String m : new String[] {"acpi_cpufreq", "hello", "cpufreq"}) {
                    if (live.contains(m)) {
                        script.append("rmmod ").append(m).append("; ");
                    }
                }
                for (int i = 0; i < 40; i++) {
                    script.append("insmod ").append(CPUFREQ).append("; insmod ").append(HELLO).append(" count=").append(i)
                            .append("; insmod --replace ").append(HELLO).append(" count=").append(i + 1000)
                            .append("; insmod ").append(ACPI).append("; insmod --replace --cascade ").append(CPUFREQ)
                            .append("; rmmod acpi_cpufreq; rmmod hello; rmmod cpufreq; ");
                }
                script.append("insmod ").append(CPUFREQ).append("; insmod ").append(ACPI);
                Path clientOut = logs.resolve("client-" + round + ".out");
                Process p = new ProcessBuilder(clientCommand(state, script.toString())).directory(cwd.toFile())
                        .redirectErrorStream(true).redirectOutput(clientOut.toFile()).start();
                long delay = 900 + random.nextInt(1800);
                Thread.sleep(delay);
                c.kill();
                history.add("round " + round + ": killed " + delay + " ms after the client started (" + recorded + " restored)");
                p.waitFor(30, TimeUnit.SECONDS);
                p.destroyForcibly();
                String said = Files.readString(clientOut);
                history.add("  client: " + said.replace('\n', '|'));
            }
        }
        // the last state: one more restart must come up clean
        Set<String> recorded = checkStateFile(state);
        try (Container c = Kmod4jProcesses.start(state, logs, "--no-deploy").awaitReady()) {
            Run lsmod = client(cwd, state, "lsmod");
            assertEquals(recorded, liveModules(lsmod.out(), c));
        }
        System.out.println("KillNineIT: " + ROUNDS + " kills during load/replace/unload, " + killedInRestore + " during restore\n  "
                + String.join("\n  ", history));
    }

    /** The module names of lsmod; fails if any row is not Live. */
    private static Set<String> liveModules(String lsmod, Container c) throws Exception {
        Set<String> names = new TreeSet<>();
        String[] rows = lsmod.split("\n");
        assertTrue(lsmod, rows[0].startsWith("Module                  Size  Used by"));
        for (int i = 1; i < rows.length; i++) {
            String[] cols = rows[i].trim().split("\\s+");
            assertEquals("no module stuck between states: " + rows[i] + "\n" + c.log(), "Live", cols[cols.length - 1]);
            names.add(cols[0]);
        }
        return names;
    }

    /** The state file parses, names known modules once each, and every jar copy is intact. */
    private static Set<String> checkStateFile(Path state) throws Exception {
        Path file = state.resolve(ModuleStateFile.NAME);
        List<Entry> entries = ModuleStateFile.read(file); // throws on a torn or invalid file
        Set<String> names = new TreeSet<>();
        for (Entry e : entries) {
            assertTrue("a known module: " + e, KNOWN.contains(e.name()));
            assertTrue("recorded once: " + e.name(), names.add(e.name()));
            assertTrue("a jar copy is recorded: " + e, e.file() != null && e.sha256() != null);
            Path jar = state.resolve(e.file());
            assertTrue("the copy exists: " + jar, Files.isRegularFile(jar));
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(jar), md)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            assertEquals("the copy's content: " + jar, e.sha256(), HexFormat.of().formatHex(md.digest()));
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                assertTrue(zip.getEntry("META-INF/MANIFEST.MF") != null);
            }
            if (e.name().equals("acpi_cpufreq")) {
                assertTrue("acpi_cpufreq is recorded after what it uses: " + entries, names.contains("cpufreq"));
            }
        }
        return names;
    }

    private static List<String> clientCommand(Path state, String script) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-jar");
        command.add(Kmod4jProcesses.JAR);
        command.add("--state-dir");
        command.add(state.toString());
        command.add(script);
        return command;
    }
}
