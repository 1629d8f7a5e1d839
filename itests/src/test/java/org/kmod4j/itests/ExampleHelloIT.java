package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Before;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleInfo;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.paxexam.KmodTestSupport;
import org.osgi.framework.ServiceReference;

/**
 * The hello example (parameters) and the cpufreq examples (an exclusive driver pair, a module
 * that holds another): their headers come from the org.kmod4j.api.annotation annotations alone.
 */
public class ExampleHelloIT extends KmodTestSupport {

    @Inject
    private CommandProcessor processor;

    @Before
    public void clearLog() {
        container.clearDmesg();
    }

    @Test
    public void helloHeadersComeFromTheAnnotations() {
        ModuleInfo info = container.inspect(Examples.jar("hello"));
        assertEquals("hello", info.name());
        assertEquals(List.of("Says hello: the smallest kmod4j module"), info.fields().get("description"));
        assertEquals(List.of("greeter"), info.fields().get("alias"));
        assertEquals(List.of("GPL"), info.fields().get("license"));
        // bnd may order the Module-Parameters clauses: compare as a set
        assertEquals(Set.of("greeting:What to say (string)", "count:How many times to say it (int)"),
                info.parameterSpecs().stream().map(Object::toString).collect(Collectors.toSet()));
    }

    @Test
    public void helloTakesItsParametersAndRegistersAGreeter() throws Exception {
        Module hello = Examples.load(container, "hello", "greeting", "hi", "count", "3");
        assertEquals(List.of("hello: hi", "hello: hi", "hello: hi"), Examples.dmesg(container, "hello: hi"));
        assertEquals("hi", hello.parameters().get("greeting"));

        ServiceReference<?>[] refs = bundleContext.getAllServiceReferences("org.kmod4j.examples.hello.Greeter", null);
        assertNotNull("hello registers its Greeter", refs);
        @SuppressWarnings("unchecked")
        Function<String, String> greeter = (Function<String, String>) bundleContext.getService(refs[0]);
        assertEquals("a Greeter is also a Function<String, String>", "hi, world", greeter.apply("world"));
        bundleContext.ungetService(refs[0]);

        container.unload("hello", UnloadOptions.defaults());
        assertEquals(List.of("hello: goodbye"), Examples.dmesg(container, "hello: goodbye"));
        assertEquals(null, bundleContext.getAllServiceReferences("org.kmod4j.examples.hello.Greeter", null));
    }

    @Test
    public void helloRefusesABadParameterWithoutATrace() {
        String before = Kmod.snapshot(bundleContext, container, processor);
        Kmod.failure(Errno.EINVAL, () -> Examples.load(container, "hello", "count", "many"));
        Kmod.assertNoTrace("insmod hello.jar count=many", before, bundleContext, container, processor);
    }

    @Test
    public void cpufreqDriversAreExclusiveAndHoldTheCore() {
        Examples.load(container, "cpufreq");
        Examples.load(container, "acpi-cpufreq");
        Module cpufreq = container.find("cpufreq").orElseThrow();
        assertEquals(List.of("acpi_cpufreq"), cpufreq.holders());
        String row = Kmod.lsmodRow(Kmod.lsmod(processor), "cpufreq");
        assertTrue("lsmod shows the holder: [" + row + "]", row.contains("1 acpi_cpufreq"));

        Kmod.failure(Errno.EWOULDBLOCK, () -> container.unload("cpufreq", UnloadOptions.defaults()));

        String before = Kmod.snapshot(bundleContext, container, processor);
        var e = Kmod.failure(Errno.ENODEV, () -> Examples.load(container, "pcc-cpufreq"));
        assertTrue(e.getMessage(), e.getMessage().contains("cpufreq driver acpi-cpufreq already registered"));
        Kmod.assertNoTrace("insmod pcc-cpufreq.jar next to acpi_cpufreq", before, bundleContext, container, processor);

        container.unload("acpi_cpufreq", UnloadOptions.defaults());
        Examples.load(container, "pcc-cpufreq");
        assertEquals(List.of("pcc_cpufreq"), cpufreq.holders());
    }
}
