package org.kmod4j.testmodules.mp.broken;

import org.kmod4j.testmodules.mp.b.BModule;
import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/** modprobe test module mp_broken: imports mp_b, then its init fails. */
@Header(name = "Module-Name", value = BrokenModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j modprobe test module: imports mp_b, then its init fails")
@Header(name = "Module-License", value = "Apache-2.0")
public class BrokenModule implements ModuleInit {
    public static final String NAME = "mp_broken";

    /** What users of this module call, so their import is real. */
    public static String value() {
        return NAME + "(" + BModule.value() + ")";
    }

    @Override
    public void init(ModuleContext context) {
        Trace.record("init:" + NAME);
        throw new IllegalStateException(NAME + " fails on purpose (uses " + BModule.value() + ")");
    }

    @Override
    public void exit(ModuleContext context) {
        Trace.record("exit:" + NAME);
    }
}
