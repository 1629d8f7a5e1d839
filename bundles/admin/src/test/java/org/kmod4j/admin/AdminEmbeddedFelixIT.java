package org.kmod4j.admin;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Predicate;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.shell.control.ControlProtocol;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.util.tracker.ServiceTracker;

/**
 * kmod4j-admin in a plain Felix 7 started through {@link FrameworkFactory}, as a program that
 * embeds Felix would: the container extension, the Gogo runtime, the kmod commands and the admin
 * bundle, configured by framework properties only; no launcher. Shows restore (a module loaded
 * in one framework is back in the next one on the same state directory), the deploy folder
 * (a jar dropped in loads, removed unloads) and the control socket (the scripts here go through
 * it, as {@code kmod4j lsmod} does).
 */
public class AdminEmbeddedFelixIT {

    private static final long WAIT_MILLIS = 30_000;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private final List<Framework> started = new ArrayList<>();

    @After
    public void stopFrameworks() throws Exception {
        for (Framework f : started) {
            f.stop();
            f.waitForStop(WAIT_MILLIS);
        }
    }

    @Test
    public void restoreDeployFolderAndSocketWithoutTheLauncher() throws Exception {
        Path state = tmp.newFolder("state").toPath();
        Path deploy = state.resolveSibling("deploy");
        Path socket = state.resolve("control.sock");

        Framework first = start(state, deploy);
        ServiceReference<?> status = awaitReady(first.getBundleContext());
        assertEquals(socket.toString(), status.getProperty(AdminProperties.CONTROL_SOCKET));
        assertEquals(deploy.toString(), status.getProperty(AdminProperties.DEPLOY_DIR));
        assertEquals("nothing to restore yet", List.of(), names(status.getProperty(AdminProperties.RESTORED)));

        // the socket: a script as `kmod4j 'insmod ...; lsmod'` sends it
        Result loaded = run(socket, "insmod " + jar("hello") + " greeting=hi; lsmod");
        assertEquals(loaded.err, 0, loaded.status);
        assertTrue(loaded.out, loaded.out.contains("\nhello "));
        Result missing = run(socket, "rmmod nosuch");
        assertEquals(1, missing.status);
        assertEquals("rmmod: ERROR: Module nosuch is not currently loaded\n", missing.err);

        // restore: a new framework on the same state directory loads hello again, with its parameter
        first.stop();
        first.waitForStop(WAIT_MILLIS);
        assertFalse("the socket goes with the framework", Files.exists(socket));
        Framework second = start(state, deploy);
        status = awaitReady(second.getBundleContext());
        assertEquals(List.of("hello"), names(status.getProperty(AdminProperties.RESTORED)));
        Result restored = run(socket, "modinfo -F parmvalue hello");
        assertEquals(restored.err, 0, restored.status);
        assertTrue(restored.out, restored.out.contains("greeting=hi"));

        // the deploy folder: dropped in loads, removed unloads
        Path dropped = deploy.resolve("cpufreq.jar");
        Path partial = deploy.resolve(".cpufreq.jar.part");
        Files.copy(jar("cpufreq"), partial);
        Files.move(partial, dropped);
        awaitLsmod(socket, out -> out.contains("\ncpufreq "));
        Files.delete(dropped);
        awaitLsmod(socket, out -> !out.contains("\ncpufreq "));
        Result dmesg = run(socket, "dmesg");
        assertTrue(dmesg.out, dmesg.out.contains("deploy: loaded cpufreq from cpufreq.jar"));
        assertTrue(dmesg.out, dmesg.out.contains("deploy: unloaded cpufreq (cpufreq.jar removed)"));
    }

    /** A Felix with its cache in the state directory and the four bundles; the admin configured by framework properties. */
    private Framework start(Path state, Path deploy) throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, state.resolve("felix-cache").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put("kmod4j.state.dir", state.toString());
        config.put(AdminProperties.DEPLOY_DIR, deploy.toString());
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new AssertionError("no FrameworkFactory on the class path")).newFramework(config);
        framework.start();
        started.add(framework);
        BundleContext context = framework.getBundleContext();
        context.installBundle(jar("container").toUri().toString()); // a framework extension: never started
        List<Bundle> bundles = new ArrayList<>();
        for (String key : List.of("gogo.runtime", "commands", "admin")) {
            bundles.add(context.installBundle(jar(key).toUri().toString()));
        }
        for (Bundle b : bundles) {
            b.start();
        }
        return framework;
    }

    /** The admin bundle's status service once it reports ready. */
    private static ServiceReference<?> awaitReady(BundleContext context) throws Exception {
        ServiceTracker<Object, Object> ready = new ServiceTracker<>(context,
                context.createFilter("(" + AdminProperties.STATE + "=" + AdminProperties.READY + ")"), null);
        ready.open(true);
        try {
            assertNotNull("kmod4j-admin not ready after " + WAIT_MILLIS + " ms", ready.waitForService(WAIT_MILLIS));
            return ready.getServiceReference();
        } finally {
            ready.close();
        }
    }

    /** Runs lsmod through the socket until its output satisfies {@code condition}, for up to WAIT_MILLIS. */
    private static void awaitLsmod(Path socket, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
        Result r = run(socket, "lsmod");
        while (!condition.test(r.out)) {
            assertTrue("lsmod never got there:\n" + r.out + r.err, System.nanoTime() < deadline);
            Thread.sleep(100); // the deploy folder is polled, not pushed: poll lsmod the same way
            r = run(socket, "lsmod");
        }
    }

    private record Result(int status, String out, String err) {
    }

    /** A client of the control socket: the request, then frames until EXIT. */
    private static Result run(Path socket, String script) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ControlProtocol.writeRequest(new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel))),
                    socket.getParent(), script);
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            for (;;) {
                byte type = in.readByte();
                if (type == ControlProtocol.EXIT) {
                    return new Result(in.readInt(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
                }
                byte[] bytes = in.readNBytes(in.readInt());
                (type == ControlProtocol.STDERR ? err : out).write(bytes);
            }
        }
    }

    private static List<String> names(Object value) {
        return value instanceof String[] ? Arrays.asList((String[]) value) : List.of();
    }

    private static Path jar(String key) {
        String value = System.getProperty("kmod4j.jar." + key);
        if (value == null || value.startsWith("${") || !Files.isRegularFile(Path.of(value))) {
            throw new IllegalStateException("kmod4j.jar." + key + " = " + value + ": run through Maven (mvn verify)");
        }
        return Path.of(value).toAbsolutePath();
    }
}
