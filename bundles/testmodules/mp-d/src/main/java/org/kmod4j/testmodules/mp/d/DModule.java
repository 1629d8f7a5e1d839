package org.kmod4j.testmodules.mp.d;

import org.kmod4j.testmodules.mp.b.BModule;
import org.kmod4j.testmodules.mp.e.EModule;
import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/** modprobe test module mp_d: top of the diamond: imports mp_b and mp_e, which both import mp_c. */
@Header(name = "Module-Name", value = DModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j modprobe test module: top of the diamond: imports mp_b and mp_e, which both import mp_c")
@Header(name = "Module-License", value = "Apache-2.0")
public class DModule implements ModuleInit {
    public static final String NAME = "mp_d";

    /** What users of this module call, so their import is real. */
    public static String value() {
        return NAME + "(" + BModule.value() + EModule.value() + ")";
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
