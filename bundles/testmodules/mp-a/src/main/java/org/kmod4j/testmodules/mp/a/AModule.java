package org.kmod4j.testmodules.mp.a;

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

    @Override
    public void init(ModuleContext context) {
        Trace.record("init:" + NAME);
    }

    @Override
    public void exit(ModuleContext context) {
        Trace.record("exit:" + NAME);
    }
}
