package org.kmod4j.testmodules.mp.card;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/** modprobe test module mp_card: reached through wildcard aliases; counts its inits for the request burst. */
@Header(name = "Module-Name", value = CardModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j modprobe test module: reached through wildcard aliases; counts its inits for the request burst")
@Header(name = "Module-License", value = "Apache-2.0")
@Header(name = "Module-Alias", value = "mpcard-*, mp-card-[0-9]")
public class CardModule implements ModuleInit {
    public static final String NAME = "mp_card";

    /** What users of this module call, so their import is real. */
    public static String value() {
        return NAME + "(" + "" + ")";
    }

    @Override
    public void init(ModuleContext context) {
        Trace.count(NAME);
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Trace.record("init:" + NAME);
    }

    @Override
    public void exit(ModuleContext context) {
        Trace.record("exit:" + NAME);
    }
}
