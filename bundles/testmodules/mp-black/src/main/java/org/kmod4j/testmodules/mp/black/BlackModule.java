package org.kmod4j.testmodules.mp.black;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/** modprobe test module mp_black: blacklisted in the itest modprobe.conf. */
@Header(name = "Module-Name", value = BlackModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j modprobe test module: blacklisted in the itest modprobe.conf")
@Header(name = "Module-License", value = "Apache-2.0")
@Header(name = "Module-Alias", value = "mp-black-alias")
public class BlackModule implements ModuleInit {
    public static final String NAME = "mp_black";

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
