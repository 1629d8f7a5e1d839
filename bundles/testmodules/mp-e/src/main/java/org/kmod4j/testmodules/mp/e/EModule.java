package org.kmod4j.testmodules.mp.e;

import org.kmod4j.testmodules.mp.c.CModule;
import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/** modprobe test module mp_e: second arm of the diamond: imports mp_c. */
@Header(name = "Module-Name", value = EModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j modprobe test module: second arm of the diamond: imports mp_c")
@Header(name = "Module-License", value = "Apache-2.0")
public class EModule implements ModuleInit {
    public static final String NAME = "mp_e";

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
