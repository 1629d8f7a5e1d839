package org.kmod4j.testmodules.mp.unres;

import org.kmod4j.testmodules.mp.b.BModule;
import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/** modprobe test module mp_unres: imports mp_b and a package nobody exports. */
@Header(name = "Module-Name", value = UnresModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j modprobe test module: imports mp_b and a package nobody exports")
@Header(name = "Module-License", value = "Apache-2.0")
public class UnresModule implements ModuleInit {
    public static final String NAME = "mp_unres";

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
