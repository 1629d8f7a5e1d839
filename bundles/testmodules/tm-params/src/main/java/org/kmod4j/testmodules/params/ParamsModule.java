package org.kmod4j.testmodules.params;

import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.function.Supplier;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/**
 * Publishes what {@link ModuleContext#parameter(String)} returned for each declared parameter:
 * a {@code Supplier<Map<String,String>>} service with {@code kmod4j.testmodule=tm_params}
 * whose map holds {@code name -> value} (absent when the context returned null), and the same
 * values as service properties {@code param.<name>}.
 */
@Header(name = "Module-Name", value = ParamsModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j integration-test module with typed parameters")
@Header(name = "Module-License", value = "Apache-2.0")
@Header(name = "Module-Parameters", value = "greeting;type=string;description=\"What to say\";default=hello,"
        + " count;type=int;description=\"How often\";default=3,"
        + " verbose;type=bool;description=\"Chatty output\";default=false,"
        + " limit;type=uint;description=\"Upper bound, no default\"")
public class ParamsModule implements ModuleInit {
    public static final String NAME = "tm_params";
    static final String[] DECLARED = {"greeting", "count", "verbose", "limit"};

    @Override
    public void init(ModuleContext context) {
        Map<String, String> seen = new HashMap<>();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("kmod4j.testmodule", NAME);
        for (String name : DECLARED) {
            String value = context.parameter(name);
            if (value != null) {
                seen.put(name, value);
                props.put("param." + name, value);
            }
        }
        Trace.record(NAME, "init:" + new java.util.TreeMap<>(seen));
        Map<String, String> snapshot = Map.copyOf(seen);
        Supplier<Map<String, String>> supplier = () -> snapshot;
        context.bundleContext().registerService(Supplier.class.getName(), supplier, props);
    }
}
