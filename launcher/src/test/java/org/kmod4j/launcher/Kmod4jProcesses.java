package org.kmod4j.launcher;

import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Test support: runs the packaged {@code target/kmod4j.jar} as its users do, a long-running
 * container ({@code --no-shell}) in one JVM and clients ({@code kmod4j --state-dir DIR lsmod})
 * in others. Every container process is killed by its handle in {@link Container#close()}.
 */
final class Kmod4jProcesses {

    static final String JAR = property("kmod4j.jar");
    static final String HELLO = property("example.hello");
    static final String CPUFREQ = property("example.cpufreq");
    static final String ACPI = property("example.acpi");
    static final String PCC = property("example.pcc");
    static final String LSMOD_HEADER = "Module                  Size  Used by  State\n";

    private Kmod4jProcesses() {
    }

    record Run(int status, String out, String err) {
    }

    /** A container process; its stdout and stderr go to files. */
    static final class Container implements AutoCloseable {
        final Process process;
        final Path stateDir;
        final Path out;
        final Path err;

        private Container(Process process, Path stateDir, Path out, Path err) {
            this.process = process;
            this.stateDir = stateDir;
            this.out = out;
            this.err = err;
        }

        /** Waits for the banner's control socket line: the restore is done and the socket is open. */
        Container awaitReady() throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (Files.readString(out).contains("control socket: ")) {
                    return this;
                }
                if (!process.isAlive()) {
                    throw new AssertionError("the container exited with " + process.exitValue() + ": " + log());
                }
                Thread.sleep(50);
            }
            throw new AssertionError("no control socket after 30 s: " + log());
        }

        String log() throws IOException {
            return "stdout:\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err);
        }

        /** kill -9 */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            kill();
        }
    }

    /** Starts {@code java -jar kmod4j.jar --state-dir STATE --no-shell --no-examples EXTRA...}. */
    static Container start(Path stateDir, Path logs, String... extra) throws IOException, InterruptedException {
        return start(List.of(), stateDir, logs, extra);
    }

    /** As {@link #start(Path, Path, String...)}, with these JVM options ({@code -Dname=value}). */
    static Container start(List<String> jvmOptions, Path stateDir, Path logs, String... extra)
            throws IOException, InterruptedException {
        List<String> command = java(jvmOptions);
        command.addAll(List.of("--state-dir", stateDir.toString(), "--no-shell", "--no-examples"));
        command.addAll(Arrays.asList(extra));
        Files.createDirectories(logs);
        Path out = Files.createTempFile(logs, "container", ".out");
        Path err = Files.createTempFile(logs, "container", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        return new Container(process, stateDir, out, err);
    }

    /** {@code java -jar kmod4j.jar --state-dir STATE WORDS...} run in {@code cwd}. */
    static Run client(Path cwd, Path stateDir, String... words) throws IOException, InterruptedException {
        List<String> command = java(List.of());
        command.addAll(List.of("--state-dir", stateDir.toString()));
        command.addAll(Arrays.asList(words));
        return run(new ProcessBuilder(command).directory(cwd.toFile()));
    }

    /** Runs a process to its end (at most 60 s) and collects its output. */
    static Run run(ProcessBuilder builder) throws IOException, InterruptedException {
        Process process = builder.start();
        try {
            process.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread t1 = pump(process.getInputStream(), out);
            Thread t2 = pump(process.getErrorStream(), err);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError(builder.command() + " did not finish in 60 s");
            }
            t1.join();
            t2.join();
            return new Run(process.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }

    /** Runs {@code lsmod} (with the client) until its output matches, at most {@code seconds}. */
    static Run awaitLsmod(Path cwd, Path stateDir, Predicate<String> condition, int seconds)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Run run;
        do {
            run = client(cwd, stateDir, "lsmod");
            if (run.status() == 0 && condition.test(run.out())) {
                return run;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("lsmod never matched in " + seconds + " s; last: " + run);
    }

    /** Runs {@code dmesg} (with the client) until the container has logged {@code text}, at most {@code seconds}. */
    static Run awaitDmesg(Path cwd, Path stateDir, String text, int seconds) throws IOException, InterruptedException {
        return awaitDmesg(cwd, stateDir, out -> out.contains(text), seconds);
    }

    /** Runs {@code dmesg} (with the client) until its output matches, at most {@code seconds}. */
    static Run awaitDmesg(Path cwd, Path stateDir, Predicate<String> condition, int seconds)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Run run;
        do {
            run = client(cwd, stateDir, "dmesg");
            if (run.status() == 0 && condition.test(run.out())) {
                return run;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("dmesg never matched in " + seconds + " s; last: " + run);
    }

    /** A copy of a module jar with another Bundle-Version (and so other content). */
    static void withVersion(Path source, Path target, String version) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(source))) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
                for (JarEntry e; (e = in.getNextJarEntry()) != null;) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
    }

    static void assertContains(String text, String part) {
        assertTrue("expected <" + part + "> in:\n" + text, text.contains(part));
    }

    /** {@code java OPTIONS -jar kmod4j.jar}: append the launcher's arguments. */
    static List<String> java(List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(JAR);
        return command;
    }

    private static Thread pump(InputStream in, OutputStream out) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(out);
            } catch (IOException e) {
                // the process went away
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isEmpty() || value.startsWith("${")) {
            throw new IllegalStateException("system property " + name + " is not set (run through mvn verify)");
        }
        return value;
    }
}
