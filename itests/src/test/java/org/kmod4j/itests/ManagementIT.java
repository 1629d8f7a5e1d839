package org.kmod4j.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.fail;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;

import org.junit.Test;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.paxexam.KmodTestSupport;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;

/**
 * kmod4j-management on the platform MBean server (what JConsole and jcmd see): one
 * {@code org.kmod4j:type=Module,name=<module>} per LIVE module, registered by the LIVE notifier
 * and removed by the GOING one, attributes read live; {@code org.kmod4j:type=Container}.
 */
public class ManagementIT extends KmodTestSupport {

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Override
    protected Option[] options() {
        return new Option[] {bundle(KmodOptions.jar("management").toUri().toString())};
    }

    private static ObjectName module(String name) throws Exception {
        return new ObjectName("org.kmod4j:type=Module,name=" + name);
    }

    private Set<ObjectName> moduleBeans() throws Exception {
        return server.queryNames(new ObjectName("org.kmod4j:type=Module,*"), null);
    }

    private Bundle management() {
        return Arrays.stream(bundleContext.getBundles()).filter(b -> "org.kmod4j.management".equals(b.getSymbolicName()))
                .findFirst().orElseThrow(() -> new AssertionError("kmod4j-management is not installed"));
    }

    @Test
    public void loadingRegistersTheModulesBeanAndUnloadingRemovesIt() throws Exception {
        assertEquals(Set.of(), moduleBeans());
        ObjectName name = module("tm_good");

        Module m = container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
        assertTrue("registered by the LIVE notifier before load returns", server.isRegistered(name));
        assertEquals(Set.of(name), moduleBeans());
        assertEquals("tm_good", server.getAttribute(name, "Name"));
        assertEquals("LIVE", server.getAttribute(name, "State"));
        assertEquals(0, server.getAttribute(name, "Refcount"));
        assertEquals(false, server.getAttribute(name, "Permanent"));
        assertEquals("", server.getAttribute(name, "Taints"));
        assertEquals(m.version(), server.getAttribute(name, "Version"));
        assertEquals(m.filename(), server.getAttribute(name, "Filename"));
        assertEquals(m.size(), server.getAttribute(name, "Size"));
        assertArrayEquals(new String[0], (String[]) server.getAttribute(name, "Holders"));
        String[] domains = (String[]) server.getAttribute(name, "SrcuDomains");
        assertEquals(Arrays.toString(domains), m.domains().size(), domains.length);
        assertTrue(Arrays.toString(domains), domains[0].matches("default gp=\\d+ pending=0 callbacks=no"));

        // attributes are read live from the module
        assertTrue(m.tryGet());
        try {
            assertEquals(1, server.getAttribute(name, "Refcount"));
        } finally {
            m.put();
        }
        assertEquals(0, server.getAttribute(name, "Refcount"));

        ObjectName containerBean = new ObjectName("org.kmod4j:type=Container");
        assertEquals(1, server.getAttribute(containerBean, "ModuleCount"));
        String lsmod = (String) server.invoke(containerBean, "lsmod", null, null);
        assertTrue(lsmod, lsmod.startsWith(Kmod.LSMOD_HEADER + "\n"));
        assertTrue(lsmod, lsmod.matches("(?s).*\ntm_good +\\d+  0\n.*"));
        String[] dmesg = (String[]) server.invoke(containerBean, "dmesg", null, null);
        assertEquals(container.dmesg(), Arrays.asList(dmesg));

        container.unload("tm_good", UnloadOptions.defaults());
        assertFalse("unregistered by the GOING notifier", server.isRegistered(name));
        assertEquals(Set.of(), moduleBeans());
        assertEquals(0, server.getAttribute(containerBean, "ModuleCount"));
    }

    @Test
    public void containerEventsArriveAsNotifications() throws Exception {
        ObjectName containerBean = new ObjectName("org.kmod4j:type=Container");
        BlockingQueue<Notification> got = new LinkedBlockingQueue<>();
        NotificationListener listener = (n, handback) -> got.add(n);
        server.addNotificationListener(containerBean, listener, null, null);
        try {
            container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
            Notification load = next(got, "org.kmod4j.load");
            assertEquals("tm_good", load.getUserData());
            assertTrue(load.getMessage(), load.getMessage().endsWith("tm_good: loaded"));
            container.unload("tm_good", UnloadOptions.defaults());
            Notification unload = next(got, "org.kmod4j.unload");
            assertTrue("numbered like the container's events", unload.getSequenceNumber() > load.getSequenceNumber());
        } finally {
            server.removeNotificationListener(containerBean, listener);
        }
    }

    /** The next notification of {@code type}, skipping others (grace-period events, ...); bounded. */
    private static Notification next(BlockingQueue<Notification> got, String type) throws InterruptedException {
        for (;;) {
            Notification n = got.poll(10, TimeUnit.SECONDS);
            assertNotNull("no " + type + " notification within 10 s", n);
            if (n.getType().equals(type)) {
                return n;
            }
        }
    }

    @Test
    public void operationsLoadInspectAndUnloadWithKmodsErrors() throws Exception {
        ObjectName bean = new ObjectName("org.kmod4j:type=Container");
        String jar = KmodOptions.jar("tm-params").toString();
        String[] signature = {String.class.getName(), String[].class.getName()};
        assertEquals("tm_params", server.invoke(bean, "insmod", new Object[] {jar, new String[] {"greeting=hey"}}, signature));
        assertEquals("hey", container.find("tm_params").orElseThrow().parameters().get("greeting"));
        @SuppressWarnings("unchecked")
        TabularData info = (TabularData) server.invoke(bean, "modinfo", new Object[] {"tm_params"},
                new String[] {String.class.getName()});
        assertEquals("tm_params", info.get(new Object[] {"name"}).get("value"));
        TabularData file = (TabularData) server.invoke(bean, "modinfo", new Object[] {jar}, new String[] {String.class.getName()});
        assertEquals(jar, file.get(new Object[] {"filename"}).get("value"));

        String[] rmmod = {String.class.getName(), boolean.class.getName()};
        server.invoke(bean, "rmmod", new Object[] {"tm_params", false}, rmmod);
        assertFalse(container.find("tm_params").isPresent());
        try {
            server.invoke(bean, "rmmod", new Object[] {"tm_params", false}, rmmod);
            fail("rmmod of a module not loaded");
        } catch (javax.management.RuntimeMBeanException e) {
            // a JDK exception a remote client can read: errno, then kmod's line
            assertEquals(IllegalStateException.class, e.getCause().getClass());
            assertEquals("ENOENT: rmmod: ERROR: Module tm_params is not currently loaded", e.getCause().getMessage());
            assertNull("no kmod4j class for the client to load", e.getCause().getCause());
        }
        try {
            server.invoke(bean, "insmod", new Object[] {"/etc/hostname", new String[0]}, signature);
            fail("insmod of a file that is no module");
        } catch (javax.management.RuntimeMBeanException e) {
            assertTrue(e.getCause().getMessage(), e.getCause().getMessage().startsWith(
                    "ENOEXEC: insmod: ERROR: could not insert module /etc/hostname: Invalid module format"));
        }
        assertEquals("nothing loaded by the failures", 0, server.getAttribute(bean, "ModuleCount"));
    }

    @Test
    public void parametersAreAMap() throws Exception {
        Module m = container.load(KmodOptions.jar("tm-params"), LoadOptions.of(Map.of("greeting", "hey")));
        TabularData parameters = (TabularData) server.getAttribute(module("tm_params"), "Parameters");
        assertEquals(m.parameters().size(), parameters.size());
        assertEquals("hey", parameters.get(new Object[] {"greeting"}).get("value"));
        for (Map.Entry<String, String> parameter : m.parameters().entrySet()) {
            assertEquals(parameter.getValue(), parameters.get(new Object[] {parameter.getKey()}).get("value"));
        }
    }

    @Test
    public void restartingTheBundleSyncsTheModulesAlreadyLive() throws Exception {
        container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
        Bundle management = management();
        management.stop();
        try {
            assertFalse(server.isRegistered(module("tm_good")));
            assertFalse(server.isRegistered(new ObjectName("org.kmod4j:type=Container")));
        } finally {
            management.start();
        }
        assertTrue("the initial sync registers modules loaded before the start", server.isRegistered(module("tm_good")));
        assertEquals("LIVE", server.getAttribute(module("tm_good"), "State"));
        assertNotNull(server.getAttribute(new ObjectName("org.kmod4j:type=Container"), "Taints"));
        container.unload("tm_good", UnloadOptions.defaults());
        assertFalse(server.isRegistered(module("tm_good")));
    }
}
