package org.kmod4j.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;
import static org.kmod4j.launcher.Kmod4jProcesses.assertContains;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.launcher.Kmod4jProcesses.Run;

/**
 * The shell speaks kmod: every line an admin was seen typing gets a kmod-style answer with
 * usage, never a Java exception or class name, and fails a script with status 1. Each line runs
 * in the real console (the launcher with its stdin, gogo.jline's shell) and as a script through
 * the control socket of that same container; Ctrl-C in {@code dmesg -w} runs on a pseudo
 * terminal ({@code script(1)}).
 */
public class KmodShellIT {

    /** What must never reach the admin: an exception, Gogo's coercion failure, a Java class name. */
    private static final Pattern JAVA = Pattern.compile("Exception|Cannot coerce|\\b[a-z]+(\\.[a-z0-9_]+)+\\.[A-Z]\\w*");

    @ClassRule
    public static TemporaryFolder tmp = new TemporaryFolder();

    private static Console console;
    private static Path cwd;

    /** The interactive launcher with the examples loaded, fed through its stdin. */
    static final class Console implements AutoCloseable {
        final Process process;
        final Path out;
        final Path state;
        final OutputStream in;
        private int marks;
        private int seen;

        Console(Path state, String... extra) throws IOException {
            this.state = state;
            List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-XX:TieredStopAtLevel=1", "-jar", Kmod4jProcesses.JAR, "--state-dir", state.toString(),
                    "--no-deploy"));
            command.addAll(List.of(extra));
            out = Files.createTempFile(tmp.getRoot().toPath(), "console", ".out");
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            in = process.getOutputStream();
        }

        Console awaitPrompt() throws IOException, InterruptedException {
            String banner = await("control socket: ");
            assertKmodOnly(banner);
            seen = banner.length();
            return this;
        }

        /** Types {@code line}, then returns what the console printed for it. */
        String type(String line) throws IOException, InterruptedException {
            String mark = "==done " + (++marks) + "==";
            send(line + "\necho '" + mark + "'\n");
            String text = await(mark + "\n");
            String answer = text.substring(seen, text.lastIndexOf(mark));
            seen = text.lastIndexOf(mark) + mark.length();
            return answer.replace("g! ", "");
        }

        void send(String text) throws IOException {
            in.write(text.getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        String await(String text) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String now = Files.readString(out);
                if (now.indexOf(text, seen) >= 0) {
                    return now;
                }
                if (!process.isAlive()) {
                    throw new AssertionError("the console exited: " + now);
                }
                Thread.sleep(50);
            }
            throw new AssertionError("no <" + text + "> after 60 s:\n" + Files.readString(out));
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @BeforeClass
    public static void startConsole() throws Exception {
        cwd = tmp.newFolder("cwd").toPath();
        console = new Console(tmp.newFolder("state").toPath()).awaitPrompt();
    }

    @AfterClass
    public static void stopConsole() throws Exception {
        if (console != null) {
            console.close();
        }
    }

    /** The line as a script over the control socket: its status, stdout and stderr. */
    private static Run script(String line) throws IOException, InterruptedException {
        return Kmod4jProcesses.client(cwd, console.state, line + ";");
    }

    private static void assertKmodOnly(String text) {
        assertFalse("no Java in:\n" + text, JAVA.matcher(text).find());
    }

    /** At the console and in a script: this answer, kmod-only, and status 1 in the script. */
    private static void fails(String line, String... answer) throws Exception {
        String shown = console.type(line);
        Run run = script(line);
        for (String part : answer) {
            assertContains(shown, part);
            assertContains(run.err(), part);
        }
        assertKmodOnly(shown);
        assertKmodOnly(run.out() + run.err());
        assertEquals(run.toString(), 1, run.status());
    }

    private static void helps(String command) throws Exception {
        for (String help : List.of(command + " -h", command + " --help")) {
            String shown = console.type(help);
            Run run = script(help);
            assertTrue(shown, shown.strip().startsWith("Usage: " + command + " "));
            assertTrue(run.toString(), run.out().startsWith("Usage: " + command + " "));
            assertEquals(run.toString(), 0, run.status());
            assertKmodOnly(shown + run.out() + run.err());
        }
    }

    @Test
    public void exitQuitsTheConsole() throws Exception {
        for (String exit : List.of("exit", "quit")) {
            try (Console c = new Console(tmp.newFolder().toPath(), "--no-examples").awaitPrompt()) {
                c.send(exit + "\n");
                assertTrue(exit + " ends the launcher", c.process.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, c.process.exitValue());
                assertKmodOnly(Files.readString(c.out));
            }
        }
    }

    @Test
    public void exitEndsAScriptWithItsStatusAndLeavesTheContainerRunning() throws Exception {
        Run run = Kmod4jProcesses.client(cwd, console.state, "exit; lsmod");
        assertEquals(run.toString(), 0, run.status());
        assertEquals("lsmod after exit did not run", "", run.out());
        assertEquals(3, Kmod4jProcesses.client(cwd, console.state, "exit 3").status());
        assertEquals(0, Kmod4jProcesses.client(cwd, console.state, "quit").status());
        assertEquals("still running", 0, Kmod4jProcesses.client(cwd, console.state, "lsmod").status());
    }

    @Test
    public void anUnknownOptionIsKmodsUnrecognizedOptionWithTheUsage() throws Exception {
        fails("lsmod -l", "lsmod: unrecognized option '-l'", "Usage: lsmod [-h] [--no-format]");
        fails("dmesg -x", "dmesg: unrecognized option '-x'", "Usage: dmesg");
    }

    @Test
    public void anOperandLsmodDoesNotTakeIsRefusedWithTheUsage() throws Exception {
        fails("lsmod hello", "lsmod: unexpected argument 'hello'", "Usage: lsmod");
    }

    @Test
    public void anOptionWithoutItsValueSaysSo() throws Exception {
        fails("modinfo -F", "modinfo: option '--field' requires an argument", "Usage: modinfo");
    }

    @Test
    public void everyKmodCommandTakesHelp() throws Exception {
        for (String command : List.of("lsmod", "insmod", "rmmod", "modinfo", "modprobe", "depmod", "dmesg")) {
            helps(command);
        }
    }

    @Test
    public void insmodHelpIsTheUsageNotAFileNamedHelp() throws Exception {
        String shown = console.type("insmod --help");
        assertTrue(shown, shown.contains("Usage: insmod [-hp] [--cascade] [--replace] [FILE] [key=value...]"));
        assertFalse(shown, shown.contains("could not"));
    }

    @Test
    public void anUnknownCommandIsNotFoundWithTheNearestSuggested() throws Exception {
        fails("lsmdo", "command not found: lsmdo", "did you mean lsmod?");
    }

    @Test
    public void dmesgPipesIntoTailAndHead() throws Exception {
        String all = console.type("dmesg");
        assertTrue("the examples logged more than two lines: " + all, all.strip().split("\n").length > 2);
        for (String line : List.of("dmesg | tail -2", "dmesg | head -2", "dmesg | tail -n 2")) {
            String shown = console.type(line).strip();
            Run run = script(line);
            assertEquals(line + ": " + shown, 2, shown.split("\n").length);
            assertEquals(line + ": " + run, 2, run.out().strip().split("\n").length);
            assertEquals(run.toString(), 0, run.status());
            assertKmodOnly(shown + run.err());
        }
        String[] lines = all.strip().split("\n");
        assertEquals(lines[lines.length - 1], script("dmesg | tail -1").out().strip());
    }

    @Test
    public void lsmodPipedPrintsWholeNamesNewestFirst() throws Exception {
        String shown = console.type("lsmod | grep cpufreq");
        assertTrue(shown, shown.strip().startsWith("acpi_cpufreq"));
        assertContains(shown, "1 acpi_cpufreq");
    }

    @Test
    public void eachCommandNamesItsOwnOperation() throws Exception {
        fails("rmmod /etc/passwd", "rmmod: ERROR: could not remove module /etc/passwd: Invalid module format");
        fails("modinfo /etc/passwd", "modinfo: ERROR: could not get modinfo from /etc/passwd: Invalid module format");
        fails("rmmod ../../no/such.jar", "rmmod: ERROR: could not remove module ../../no/such.jar: No such file or directory");
        fails("insmod ''", "insmod: ERROR: could not load module '': No such file or directory");
    }

    @Test
    public void helpListsTheKmodCommandsFirst() throws Exception {
        String shown = console.type("help");
        assertTrue(shown, shown.strip().startsWith("kmod commands"));
        for (String command : List.of("lsmod", "insmod", "rmmod", "modinfo", "modprobe", "depmod", "dmesg")) {
            assertContains(shown, "  " + command + " ");
        }
        assertContains(shown, "help -a");
        assertContains(console.type("help -a"), "felix:lb");
    }

    @Test
    public void ctrlCInDmesgFollowReturnsQuietlyToThePrompt() throws Exception {
        assumeTrue("script(1) gives the console a terminal", Files.isExecutable(Paths.get("/usr/bin/script")));
        String java = Paths.get(System.getProperty("java.home"), "bin", "java") + " -XX:TieredStopAtLevel=1 -jar "
                + Kmod4jProcesses.JAR + " --no-deploy --no-examples --state-dir " + tmp.newFolder();
        Path out = Files.createTempFile(tmp.getRoot().toPath(), "pty", ".out");
        Process process = new ProcessBuilder("/usr/bin/script", "-qefc", java, "/dev/null")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            OutputStream in = process.getOutputStream();
            String reading = "\u001b[?2004h"; // jline's line reader is waiting for a line
            int prompt = awaitCount(process, out, reading, 1);
            in.write("dmesg -w\r".getBytes(StandardCharsets.UTF_8));
            in.flush();
            awaitCount(process, out, "container started", 1);
            in.write(3); // Ctrl-C
            in.flush();
            awaitCount(process, out, reading, prompt + 1);
            in.write("echo after-ctrl-c\r".getBytes(StandardCharsets.UTF_8));
            in.flush();
            awaitCount(process, out, "after-ctrl-c\r\n", 1);
            String shown = Files.readString(out);
            assertKmodOnly(shown.substring(shown.indexOf("container started")));
            in.write("exit\r".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        } finally {
            process.destroyForcibly();
        }
    }

    /** Waits until {@code text} occurs {@code count} times in the file; returns how often it does. */
    private static int awaitCount(Process process, Path file, String text, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String now = Files.readString(file);
            int n = 0;
            for (int i = now.indexOf(text); i >= 0; i = now.indexOf(text, i + 1)) {
                n++;
            }
            if (n >= count) {
                return n;
            }
            assertTrue("the console exited: " + now, process.isAlive());
            Thread.sleep(50);
        }
        throw new AssertionError("<" + text + "> not seen " + count + " times:\n" + Files.readString(file));
    }
}
