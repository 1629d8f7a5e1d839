package org.kmod4j.testmodules.mp.c;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/** modprobe test module mp_c: end of the chain and base of the diamond (mp_a -> mp_b -> mp_c, mp_d -> mp_b/mp_e -> mp_c). */
@Header(name = "Module-Name", value = CModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j modprobe test module: end of the chain and base of the diamond (mp_a -> mp_b -> mp_c, mp_d -> mp_b/mp_e -> mp_c)")
@Header(name = "Module-License", value = "Apache-2.0")
public class CModule implements ModuleInit {
    public static final String NAME = "mp_c";

    /** What users of this module call, so their import is real. */
    public static String value() {
        return NAME + "(" + "" + ")";
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
