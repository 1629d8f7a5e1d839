package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

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
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.junit.Test;
import org.kmod4j.admin.AdminProperties;
import org.kmod4j.paxexam.KmodTestSupport;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * kmod4j-admin provisioned into Pax Exam's framework next to the container and the commands
 * (with Felix's ConfigAdmin 1.9.26 from Maven Central): restore when the bundle starts again,
 * the deploy folder, the control socket, and a ConfigAdmin configuration that moves the socket.
 * The {@link AdminProperties} names are constants, compiled into this class.
 */
public class AdminIT extends KmodTestSupport {

    @Override
    protected Option[] options() {
        return new Option[] {
            bundle(KmodOptions.jar("configadmin").toUri().toString()),
            bundle(KmodOptions.jar("admin").toUri().toString()),
            frameworkProperty(AdminProperties.DEPLOY_DIR).value(KmodOptions.scratchDir("deploy-").toString()),
        };
    }

    private Path stateDir() {
        return Path.of(bundleContext.getProperty("kmod4j.state.dir"));
    }

    private Bundle admin() {
        return Arrays.stream(bundleContext.getBundles()).filter(b -> "org.kmod4j.admin".equals(b.getSymbolicName()))
                .findFirst().orElseThrow(() -> new AssertionError("kmod4j-admin is not installed"));
    }

    /** The status service's reference once its property {@code key} has {@code value} (null: absent). */
    private ServiceReference<Object> awaitStatus(String key, Object value) throws Exception {
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(bundleContext,
                bundleContext.createFilter("(" + AdminProperties.STATE + "=" + AdminProperties.READY + ")"), null);
        tracker.open(true);
        try {
            await("kmod4j-admin ready with " + key + " = " + value, () -> {
                ServiceReference<Object> r = tracker.getServiceReference();
                Object v = r == null ? null : r.getProperty(key);
                return r != null && (value == null ? v == null : value.equals(v instanceof String[]
                        ? Arrays.asList((String[]) v) : v));
            });
            return tracker.getServiceReference();
        } finally {
            tracker.close();
        }
    }

    @Test
    public void theControlSocketRunsCommands() throws Exception {
        Path socket = stateDir().resolve("control.sock");
        awaitStatus(AdminProperties.CONTROL_SOCKET, socket.toString());
        load(KmodOptions.jar("example.hello"));
        String[] lsmod = run(socket, "lsmod");
        assertEquals(lsmod[2], "0", lsmod[0]);
        assertTrue(lsmod[1], lsmod[1].contains("\nhello "));
        String[] failed = run(socket, "rmmod nosuch");
        assertEquals("1", failed[0]);
        assertEquals("rmmod: ERROR: Module nosuch is not currently loaded\n", failed[2]);
    }

    @Test
    public void startingTheBundleAgainRestoresTheModulesOfItsLastRun() throws Exception {
        awaitStatus(AdminProperties.RESTORED, List.of());
        load(KmodOptions.jar("example.hello"), "greeting=hi");
        Bundle admin = admin();
        admin.stop();
        unload("hello"); // not recorded: the admin is stopped
        admin.start();
        awaitStatus(AdminProperties.RESTORED, List.of("hello"));
        assertEquals("hi", container.find("hello").orElseThrow().parameters().get("greeting"));
    }

    @Test
    public void aJarDroppedInTheDeployFolderLoadsAndRemovedUnloads() throws Exception {
        Path deploy = Path.of(bundleContext.getProperty(AdminProperties.DEPLOY_DIR));
        awaitStatus(AdminProperties.DEPLOY_DIR, deploy.toString());
        Path partial = deploy.resolve(".cpufreq.jar.part");
        Files.copy(KmodOptions.jar("example.cpufreq"), partial);
        Files.move(partial, deploy.resolve("cpufreq.jar"));
        await("cpufreq loaded from the deploy folder", () -> container.find("cpufreq").isPresent());
        Files.delete(deploy.resolve("cpufreq.jar"));
        await("cpufreq unloaded", () -> container.find("cpufreq").isEmpty());
    }

    @Test
    public void aConfigAdminConfigurationMovesTheSocket() throws Exception {
        Path standard = stateDir().resolve("control.sock");
        awaitStatus(AdminProperties.CONTROL_SOCKET, standard.toString());
        ServiceReference<ConfigurationAdmin> ref = bundleContext.getServiceReference(ConfigurationAdmin.class);
        assertNotNull("Felix ConfigAdmin is running", ref);
        Configuration config = bundleContext.getService(ref).getConfiguration(AdminProperties.PID, "?");
        Path moved = KmodOptions.scratchDir("socket-").resolve("admin.sock");
        try {
            Dictionary<String, Object> values = new Hashtable<>();
            values.put(AdminProperties.CONTROL_SOCKET, moved.toString());
            config.update(values);
            awaitStatus(AdminProperties.CONTROL_SOCKET, moved.toString());
            assertFalse("the old socket is closed and removed", Files.exists(standard));
            assertEquals("0", run(moved, "lsmod")[0]);
        } finally {
            config.delete();
            bundleContext.ungetService(ref);
        }
        awaitStatus(AdminProperties.CONTROL_SOCKET, standard.toString());
        assertFalse(Files.exists(moved));
    }

    /**
     * The control protocol as the launcher's client speaks it (written out here: the probe bundle
     * cannot see kmod4j-shell's private copies): magic, version, cwd, script; then frames
     * (1 stdout, 2 stderr) until 0 with the exit status. @return status, stdout, stderr
     */
    private static String[] run(Path socket, String script) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
            byte[] bytes = script.getBytes(StandardCharsets.UTF_8);
            out.writeInt(0x6b6d3461);
            out.writeInt(1);
            out.writeUTF(socket.getParent().toString());
            out.writeInt(bytes.length);
            out.write(bytes);
            out.flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            for (;;) {
                byte type = in.readByte();
                if (type == 0) {
                    return new String[] {String.valueOf(in.readInt()), stdout.toString(StandardCharsets.UTF_8),
                        stderr.toString(StandardCharsets.UTF_8)};
                }
                (type == 2 ? stderr : stdout).write(in.readNBytes(in.readInt()));
            }
        }
    }
}
