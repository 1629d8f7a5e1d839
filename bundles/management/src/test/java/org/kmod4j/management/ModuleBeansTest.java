package org.kmod4j.management;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import org.junit.After;
import org.junit.Test;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.SrcuDomain;
import org.kmod4j.api.Taint;

public class ModuleBeansTest {

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final List<Module> modules = new ArrayList<>();
    private final Set<Taint> taints = EnumSet.noneOf(Taint.class);
    private final List<String> log = new ArrayList<>();
    private final ModuleBeans beans = new ModuleBeans(server, container(), log::add);

    @After
    public void noErrors() {
        assertEquals(List.of(), log);
    }

    /** A module whose answers come from {@code values} (method name to value), read at each call. */
    private static Module module(Map<String, Object> values) {
        return (Module) Proxy.newProxyInstance(ModuleBeansTest.class.getClassLoader(), new Class<?>[] {Module.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("toString")) {
                        return "module " + values.get("name");
                    }
                    if (method.getName().equals("hashCode")) {
                        return System.identityHashCode(proxy);
                    }
                    if (method.getName().equals("equals")) {
                        return proxy == args[0];
                    }
                    if (!values.containsKey(method.getName())) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return values.get(method.getName());
                });
    }

    private static SrcuDomain domain(long gp, long pending, boolean had) {
        Map<String, Object> values = Map.of("gracePeriods", gp, "callbacksPending", pending, "hadCallbacks", had);
        return (SrcuDomain) Proxy.newProxyInstance(ModuleBeansTest.class.getClassLoader(),
                new Class<?>[] {SrcuDomain.class}, (proxy, method, args) -> values.get(method.getName()));
    }

    private Map<String, Object> values(String name, ModuleState state) {
        Map<String, Object> values = new HashMap<>();
        values.put("name", name);
        values.put("state", state);
        values.put("refcount", 0);
        values.put("holders", List.of());
        values.put("uses", List.of());
        values.put("parameters", new LinkedHashMap<>(Map.of("greeting", "hi")));
        values.put("isPermanent", false);
        values.put("taints", EnumSet.noneOf(Taint.class));
        values.put("version", "1.2.3");
        values.put("filename", "/m/" + name + ".jar");
        values.put("size", 42L);
        Map<String, SrcuDomain> domains = new TreeMap<>();
        domains.put("default", domain(3, 0, false));
        domains.put("events", domain(5, 2, true));
        values.put("domains", domains);
        return values;
    }

    private ModuleContainer container() {
        return (ModuleContainer) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ModuleContainer.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "modules":
                            return List.copyOf(modules);
                        case "taints":
                            return taints;
                        case "dmesg":
                            return List.of("[    0.000001] a", "[    0.000002] b");
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    @Test
    public void startRegistersTheContainerAndLiveModulesOnly() throws Exception {
        modules.add(module(values("live_one", ModuleState.LIVE)));
        modules.add(module(values("coming_one", ModuleState.COMING)));
        beans.start();
        assertTrue(server.isRegistered(new ObjectName("org.kmod4j:type=Container")));
        assertTrue(server.isRegistered(new ObjectName("org.kmod4j:type=Module,name=live_one")));
        assertFalse(server.isRegistered(new ObjectName("org.kmod4j:type=Module,name=coming_one")));
        assertEquals(2, server.getAttribute(new ObjectName("org.kmod4j:type=Container"), "ModuleCount"));
    }

    @Test
    public void liveRegistersGoingUnregistersAndAttributesAreLive() throws Exception {
        beans.start();
        Map<String, Object> values = values("tm_x", ModuleState.COMING);
        Module m = module(values);
        modules.add(m);
        ObjectName name = new ObjectName("org.kmod4j:type=Module,name=tm_x");
        beans.moduleEvent(ModuleState.COMING, m);
        assertFalse(server.isRegistered(name));
        values.put("state", ModuleState.LIVE);
        beans.moduleEvent(ModuleState.LIVE, m);
        assertTrue(server.isRegistered(name));
        assertEquals("LIVE", server.getAttribute(name, "State"));
        assertEquals(false, server.getAttribute(name, "Permanent"));
        assertEquals("1.2.3", server.getAttribute(name, "Version"));
        assertEquals("/m/tm_x.jar", server.getAttribute(name, "Filename"));
        assertArrayEquals(new String[] {"default gp=3 pending=0 callbacks=no", "events gp=5 pending=2 callbacks=yes"},
                (String[]) server.getAttribute(name, "SrcuDomains"));
        TabularData parameters = (TabularData) server.getAttribute(name, "Parameters");
        CompositeData row = parameters.get(new Object[] {"greeting"});
        assertEquals("hi", row.get("value"));

        values.put("refcount", 2);
        values.put("holders", List.of("tm_y"));
        values.put("taints", EnumSet.of(Taint.WARN, Taint.FORCED_RMMOD));
        assertEquals(2, server.getAttribute(name, "Refcount"));
        assertArrayEquals(new String[] {"tm_y"}, (String[]) server.getAttribute(name, "Holders"));
        assertEquals("RW", server.getAttribute(name, "Taints"));

        values.put("state", ModuleState.GOING);
        beans.moduleEvent(ModuleState.GOING, m);
        assertFalse(server.isRegistered(name));
        assertEquals(Map.of(), beans.registered());
    }

    @Test
    public void aReloadReplacesTheBeanAndAStaleGoingLeavesTheNewOne() throws Exception {
        beans.start();
        Module first = module(values("tm_x", ModuleState.LIVE));
        Module second = module(values("tm_x", ModuleState.LIVE));
        ObjectName name = new ObjectName("org.kmod4j:type=Module,name=tm_x");
        beans.moduleEvent(ModuleState.LIVE, first);
        beans.moduleEvent(ModuleState.LIVE, second);
        beans.moduleEvent(ModuleState.GOING, first);
        assertTrue("the second module's bean stays", server.isRegistered(name));
        beans.moduleEvent(ModuleState.GOING, second);
        assertFalse(server.isRegistered(name));
    }

    @Test
    public void aModuleGoingWhileStartRegistersItIsRemovedAgain() throws Exception {
        Map<String, Object> values = values("tm_x", ModuleState.LIVE);
        Module m = module(values);
        // the module is LIVE when start() looks, GOING by the time its bean is registered
        beans.register(module(Map.of("name", "warmup", "state", ModuleState.LIVE)));
        values.put("state", ModuleState.GOING);
        beans.register(m);
        assertFalse(server.isRegistered(new ObjectName("org.kmod4j:type=Module,name=tm_x")));
    }

    @Test
    public void containerOperationsAndStop() throws Exception {
        Map<String, Object> v = values("cpufreq", ModuleState.LIVE);
        v.put("refcount", 1);
        v.put("holders", List.of("acpi_cpufreq"));
        v.put("size", 3908L);
        modules.add(module(v));
        taints.add(Taint.WARN);
        beans.start();
        ObjectName container = new ObjectName("org.kmod4j:type=Container");
        assertEquals("W", server.getAttribute(container, "Taints"));
        assertEquals("Module                  Size  Used by\ncpufreq                 3908  1 acpi_cpufreq\n",
                server.invoke(container, "lsmod", null, null));
        assertArrayEquals(new String[] {"[    0.000001] a", "[    0.000002] b"},
                (String[]) server.invoke(container, "dmesg", null, null));
        beans.stop();
        assertEquals(0, server.queryNames(new ObjectName("org.kmod4j:*"), null).size());
        beans.moduleEvent(ModuleState.LIVE, module(values("late", ModuleState.LIVE)));
        assertEquals("no bean after stop", 0, server.queryNames(new ObjectName("org.kmod4j:*"), null).size());
    }
}
