package org.kmod4j.testmodules.mp.b;

import org.kmod4j.testmodules.mp.c.CModule;
import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/** modprobe test module mp_b: imports mp_c, exported to mp_a, mp_d and mp_broken. */
@Header(name = "Module-Name", value = BModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j modprobe test module: imports mp_c, exported to mp_a, mp_d and mp_broken")
@Header(name = "Module-License", value = "Apache-2.0")
public class BModule implements ModuleInit {
    public static final String NAME = "mp_b";

    /** What users of this module call, so their import is real. */
    public static String value() {
        return NAME + "(" + CModule.value() + ")";
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
