package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * In-framework helpers for "a second container on the same state directory": a second framework
 * of the kind under test (Felix or Equinox) in this JVM, and a probe in another process for the
 * state directory's OS lock.
 *
 * <p>What Felix 7 does with an extension activator that throws
 * ({@code ExtensionManager.startExtensionBundle}): it does not throw out of
 * {@code installBundle}; it fires a {@link FrameworkEvent#ERROR} for the extension bundle with
 * {@code BundleException("Unable to start Bundle", cause)} (cause = the activator's exception)
 * and logs "Unable to start Extension Activator".
 */
final class SecondContainer {

    private SecondContainer() {
    }

    /** The state directory of the container in {@code context}'s framework, from its service property. */
    static String stateDir(BundleContext context) {
        ServiceReference<ModuleContainer> ref = context.getServiceReference(ModuleContainer.class);
        assertNotNull("no ModuleContainer service", ref);
        Object dir = ref.getProperty("kmod4j.state.dir");
        assertTrue("ModuleContainer service property kmod4j.state.dir: " + dir, dir instanceof String);
        return (String) dir;
    }

    /**
     * Starts a second framework (own storage) with {@code kmod4j.state.dir = stateDir}, installs the
     * container extension into it, waits for the FrameworkEvent ERROR Felix reports for it, asserts
     * that the second framework has no ModuleContainer service, stops the second framework and
     * returns the ModuleException in the reported cause chain (else its root cause).
     */
    static Throwable refused(BundleContext context, String stateDir) throws Exception {
        Path storage = KmodOptions.scratchDir("second-framework-");
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put("kmod4j.state.dir", stateDir);
        // leave the JVM-wide URL handler factory to the framework under test
        config.put("felix.service.urlhandlers", "false");
        Framework second = hostFactory(context).newFramework(config);
        second.init();
        second.start();
        try {
            BlockingQueue<FrameworkEvent> errors = new LinkedBlockingQueue<>();
            FrameworkListener listener = event -> {
                if (event.getType() == FrameworkEvent.ERROR) {
                    errors.add(event);
                }
            };
            BundleContext secondContext = second.getBundleContext();
            secondContext.addFrameworkListener(listener);
            Bundle extension = secondContext.installBundle(KmodOptions.jar("container").toUri().toString());
            // Felix resolves (and activates) an extension at install, Equinox at the next resolve
            second.adapt(FrameworkWiring.class).resolveBundles(List.of(extension));

            FrameworkEvent event = errors.poll(20, TimeUnit.SECONDS);
            assertNotNull("the second container's failure reaches the FrameworkListeners as ERROR", event);
            assertEquals(extension, event.getBundle());
            assertNotNull(event.getThrowable());
            assertNull("the second framework has no ModuleContainer service",
                    secondContext.getServiceReference(ModuleContainer.class.getName()));
            assertNull(secondContext.getAllServiceReferences(ModuleContainer.class.getName(), null));
            return moduleExceptionIn(event.getThrowable());
        } finally {
            second.stop();
            FrameworkEvent stopped = second.waitForStop(30_000);
            assertEquals("the second framework stops", FrameworkEvent.STOPPED, stopped.getType());
        }
    }

    /** The FrameworkFactory of the framework under test (Felix or Equinox), from its own class loader. */
    private static FrameworkFactory hostFactory(BundleContext context) {
        ClassLoader host = context.getBundle(0).getClass().getClassLoader();
        for (FrameworkFactory factory : ServiceLoader.load(FrameworkFactory.class, host)) {
            if (factory.getClass().getClassLoader() == host) {
                return factory;
            }
        }
        fail("no FrameworkFactory of " + context.getBundle(0).getSymbolicName() + " on the host class path");
        throw new AssertionError();
    }

    /** The ModuleException in a cause chain, else the root cause. */
    private static Throwable moduleExceptionIn(Throwable thrown) {
        Throwable t = thrown;
        while (true) {
            if (t.getClass().getName().equals(ModuleException.class.getName())) {
                return t;
            }
            if (t.getCause() == null || t.getCause() == t) {
                return t;
            }
            t = t.getCause();
        }
    }

    /** Runs a fresh JVM that tries to lock {@code file} (FileChannel.tryLock); returns "locked" or "free". */
    static String otherProcessTryLock(Path file) throws IOException, InterruptedException {
        Path dir = KmodOptions.scratchDir("trylock-");
        Path source = dir.resolve("TryLock.java");
        Files.writeString(source, String.join("\n",
                "import java.nio.channels.FileChannel;",
                "import java.nio.channels.FileLock;",
                "import java.nio.file.Path;",
                "import java.nio.file.StandardOpenOption;",
                "public class TryLock {",
                "    public static void main(String[] args) throws Exception {",
                "        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {",
                "            FileLock lock = ch.tryLock();",
                "            System.out.print(lock == null ? \"locked\" : \"free\");",
                "            if (lock != null) {",
                "                lock.release();",
                "            }",
                "        }",
                "    }",
                "}", ""));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(source.toString());
        command.add(file.toString());
        File out = dir.resolve("out").toFile();
        File err = dir.resolve("err").toFile();
        Process process = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the lock probe process did not finish in 60 s");
        }
        String stdout = Files.readString(out.toPath(), StandardCharsets.UTF_8).trim();
        String stderr = Files.readString(err.toPath(), StandardCharsets.UTF_8);
        assertEquals("lock probe exit status; stderr: " + stderr, 0, process.exitValue());
        return stdout;
    }
}
