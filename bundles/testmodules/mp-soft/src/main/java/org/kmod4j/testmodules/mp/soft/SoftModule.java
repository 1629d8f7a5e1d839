package org.kmod4j.testmodules.mp.soft;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/** modprobe test module mp_soft: soft dependencies: pre mp_pre and mp_broken (fails), post mp_post. */
@Header(name = "Module-Name", value = SoftModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j modprobe test module: soft dependencies: pre mp_pre and mp_broken (fails), post mp_post")
@Header(name = "Module-License", value = "Apache-2.0")
@Header(name = "Module-Softdep", value = "pre: mp_pre mp_broken post: mp_post")
public class SoftModule implements ModuleInit {
    public static final String NAME = "mp_soft";

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
