package org.kmod4j.core;

import static org.junit.Assert.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.Test;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;

public class ModuleParametersTest extends KernelTestBase {
    private static final String DECL = "greeting;type=string;description=\"What to say\";default=hello,"
            + " count;type=int;default=1, verbose;type=bool, big;type=ulong";

    @Test
    public void defaultsAndGivenValuesReachTheModuleCanonicalised() throws Exception {
        AtomicReference<String> seenInInit = new AtomicReference<>();
        TestModules.INIT.put("p", ctx -> seenInInit.set(ctx.parameter("greeting") + "/" + ctx.parameter("count")
                + "/" + ctx.parameter("verbose") + "/" + ctx.parameter("big")));
        Map<String, String> given = new LinkedHashMap<>();
        given.put("count", "+007");
        given.put("verbose", "y");
        given.put("big", "18446744073709551615");
        Module p = kernel.load(jars.module("p", "Module-Parameters", DECL), LoadOptions.of(given));

        assertEquals("hello/7/true/18446744073709551615", seenInInit.get());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("greeting", "hello");
        expected.put("count", "7");
        expected.put("verbose", "true");
        expected.put("big", "18446744073709551615");
        assertEquals(expected, p.parameters());
        assertEquals("greeting:What to say (string)", p.parameterSpecs().get(0).toString());
    }

    @Test
    public void aParameterWithoutDefaultOrValueIsAbsent() throws Exception {
        Module p = kernel.load(jars.module("p", "Module-Parameters", DECL), null);
        assertEquals(Map.of("greeting", "hello", "count", "1"), p.parameters());
    }

    @Test
    public void anEmptyDefaultAsBndWritesItForAnAnnotationWithoutOneMeansNoDefault() throws Exception {
        Module p = kernel.load(jars.module("p", "Module-Parameters", "count;type=INT;description=\"n\";default=\"\""), null);
        assertEquals(Map.of(), p.parameters());
        assertEquals("count:n (int)", p.parameterSpecs().get(0).toString());
    }
}
