package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.kmod4j.itests.Kmod.assertNoTrace;
import static org.kmod4j.itests.Kmod.clearTrace;
import static org.kmod4j.itests.Kmod.failure;
import static org.kmod4j.itests.Kmod.servicesOf;
import static org.kmod4j.itests.Kmod.snapshot;
import static org.kmod4j.itests.Kmod.trace;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.ParameterSpec;
import org.kmod4j.api.ParameterType;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.paxexam.KmodTestSupport;
import org.osgi.framework.ServiceReference;

/**
 * Module parameters (tm_params declares greeting:string=hello, count:int=3, verbose:bool=false,
 * limit:uint without default): values reach the module through ModuleContext.parameter(); a bad
 * parameter is EINVAL and loads nothing.
 */
public class ParametersIT extends KmodTestSupport {

    @Inject
    private CommandProcessor processor;

    private Path jar() {
        return KmodOptions.jar("tm-params");
    }

    /** What the module saw through ModuleContext.parameter(name), from the service it registered. */
    private Map<?, ?> seenByModule() {
        List<ServiceReference<?>> refs = servicesOf(bundleContext, "tm_params");
        assertEquals(1, refs.size());
        Object service = bundleContext.getService(refs.get(0));
        try {
            return (Map<?, ?>) ((Supplier<?>) service).get();
        } finally {
            bundleContext.ungetService(refs.get(0));
        }
    }

    private static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    public void declaredParametersAndDefaults() {
        Module m = container.load(jar(), LoadOptions.defaults());
        assertEquals(ModuleState.LIVE, m.state());

        List<ParameterSpec> specs = m.parameterSpecs();
        assertEquals(4, specs.size());
        assertSpec(specs.get(0), "greeting", ParameterType.STRING, "What to say", "hello");
        assertSpec(specs.get(1), "count", ParameterType.INT, "How often", "3");
        assertSpec(specs.get(2), "verbose", ParameterType.BOOL, "Chatty output", "false");
        assertSpec(specs.get(3), "limit", ParameterType.UINT, "Upper bound, no default", null);

        // defaults filled in; a parameter without default and without value is absent (null)
        assertEquals(map("greeting", "hello", "count", "3", "verbose", "false"), seenByModule());
        assertEquals(map("greeting", "hello", "count", "3", "verbose", "false"), m.parameters());
    }

    private static void assertSpec(ParameterSpec spec, String name, ParameterType type, String description,
            String defaultValue) {
        assertEquals(name, spec.name());
        assertEquals(name, type, spec.type());
        assertEquals(name, description, spec.description());
        assertEquals(name, defaultValue, spec.defaultValue());
    }

    @Test
    public void givenValuesReachTheModule() {
        Map<String, String> given = map("greeting", "hi there", "count", "-5", "verbose", "y", "limit", "4294967295");
        Module m = container.load(jar(), LoadOptions.of(given));
        Map<?, ?> seen = seenByModule();
        assertEquals("hi there", seen.get("greeting"));
        assertEquals("-5", seen.get("count"));
        assertEquals("4294967295", seen.get("limit"));
        // bool values are kstrtobool-style (y/n, 1/0, on/off, true/false) and read back canonical
        assertEquals(ParameterType.BOOL.canonical("y"), seen.get("verbose"));
        assertEquals(seen, m.parameters());
        container.unload("tm_params", UnloadOptions.defaults());

        // only some given: the others keep their defaults
        m = container.load(jar(), LoadOptions.of(map("count", "0", "limit", "0")));
        assertEquals(map("greeting", "hello", "count", "0", "verbose", "false", "limit", "0"), seenByModule());
    }

    @Test
    public void unknownParameterIsEINVALAndLoadsNothing() {
        assertRejected(map("colour", "blue"), "colour");
        assertRejected(map("count", "1", "nosuch", "1"), "nosuch");
    }

    @Test
    public void illTypedParameterIsEINVALAndLoadsNothing() {
        assertRejected(map("count", "three"), "count");
        assertRejected(map("count", "1.5"), "count");
        assertRejected(map("verbose", "maybe"), "verbose");
        assertRejected(map("limit", "lots"), "limit");
    }

    @Test
    public void outOfRangeParameterIsEINVALAndLoadsNothing() {
        assertRejected(map("limit", "-1"), "limit");
        assertRejected(map("limit", "4294967296"), "limit");
        assertRejected(map("count", "2147483648"), "count");
        assertRejected(map("count", "-2147483649"), "count");
    }

    @Test
    public void rejectedParametersDoNotBlockALaterGoodLoad() {
        assertRejected(map("count", "x"), "count");
        Module m = container.load(jar(), LoadOptions.of(map("count", "7")));
        assertEquals(ModuleState.LIVE, m.state());
        assertEquals("7", seenByModule().get("count"));
    }

    @Test
    public void insmodCommandPassesKeyValueArguments() {
        String before = snapshot(bundleContext, container, processor);
        Kmod.ok(processor, "kmod:insmod '" + jar() + "' greeting=howdy count=9");
        Map<?, ?> seen = seenByModule();
        assertEquals("howdy", seen.get("greeting"));
        assertEquals("9", seen.get("count"));
        Kmod.ok(processor, "kmod:rmmod tm_params");
        assertEquals(before, snapshot(bundleContext, container, processor));

        Kmod.CommandResult r = Kmod.run(processor, "kmod:insmod '" + jar() + "' count=many");
        assertNotNull("insmod with a bad parameter fails: " + r, r.failure);
        assertTrue(r.toString(), r.err.contains("insmod: ERROR: "));
        assertNoTrace("insmod count=many", before, bundleContext, container, processor);
    }

    /** The load fails with EINVAL naming the parameter, init never ran, nothing changed. */
    private void assertRejected(Map<String, String> params, String culprit) {
        // a bystander, so "unchanged" is not trivially "empty"
        if (container.find("tm_good").isEmpty()) {
            container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
        }
        clearTrace("tm_params");
        String before = snapshot(bundleContext, container, processor);
        ModuleException e = failure(Errno.EINVAL, () -> container.load(jar(), LoadOptions.of(params)));
        // kmod: "could not insert module FILE: Invalid parameters"; the detail names the bad parameter
        assertTrue(params + ": " + e.getMessage(),
                e.getMessage().startsWith("could not insert module " + jar() + ": Invalid parameters"));
        assertTrue(params + ": the message names " + culprit + ": " + e.getMessage(), e.getMessage().contains(culprit));
        assertEquals(params + ": init never ran", "", trace("tm_params"));
        assertTrue(container.find("tm_params").isEmpty());
        assertNoTrace("load with " + params, before, bundleContext, container, processor);
    }
}
