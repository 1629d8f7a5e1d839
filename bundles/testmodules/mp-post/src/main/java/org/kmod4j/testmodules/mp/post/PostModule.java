package org.kmod4j.testmodules.mp.post;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/** modprobe test module mp_post: post softdep of mp_soft. */
@Header(name = "Module-Name", value = PostModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j modprobe test module: post softdep of mp_soft")
@Header(name = "Module-License", value = "Apache-2.0")
public class PostModule implements ModuleInit {
    public static final String NAME = "mp_post";

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
