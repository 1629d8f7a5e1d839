package org.kmod4j.testmodules.mp.pre;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/** modprobe test module mp_pre: pre softdep of mp_soft. */
@Header(name = "Module-Name", value = PreModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j modprobe test module: pre softdep of mp_soft")
@Header(name = "Module-License", value = "Apache-2.0")
public class PreModule implements ModuleInit {
    public static final String NAME = "mp_pre";

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
