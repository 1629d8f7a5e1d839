package org.kmod4j.testmodules.mp.a;

import java.util.Hashtable;
import java.util.function.Supplier;

import org.kmod4j.testmodules.mp.b.BModule;
import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/** modprobe test module mp_a: head of the chain mp_a -> mp_b -> mp_c. */
@Header(name = "Module-Name", value = AModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j modprobe test module: head of the chain mp_a -> mp_b -> mp_c")
@Header(name = "Module-License", value = "Apache-2.0")
public class AModule implements ModuleInit {
    public static final String NAME = "mp_a";

    /** What users of this module call, so their import is real. */
    public static String value() {
        return NAME + "(" + BModule.value() + ")";
    }

    /** Also registers {@link #value()} as a {@code Supplier} (kmod4j.testmodule=mp_a): a call through the chain's code. */
    @Override
    public void init(ModuleContext context) {
        Trace.record("init:" + NAME);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("kmod4j.testmodule", NAME);
        Supplier<String> chain = AModule::value;
        context.bundleContext().registerService(Supplier.class.getName(), chain, props);
    }

    @Override
    public void exit(ModuleContext context) {
        Trace.record("exit:" + NAME);
    }
}
