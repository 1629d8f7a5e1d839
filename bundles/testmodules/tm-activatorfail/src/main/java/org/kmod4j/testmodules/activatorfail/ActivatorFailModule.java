package org.kmod4j.testmodules.activatorfail;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/** Never initialised: its Bundle-Activator fails first. */
@Header(name = "Module-Name", value = ActivatorFailModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j integration-test module whose Bundle-Activator fails")
@Header(name = "Module-License", value = "Apache-2.0")
public class ActivatorFailModule implements ModuleInit {
    public static final String NAME = "tm_activatorfail";

    @Override
    public void init(ModuleContext context) {
        Trace.record(NAME, "init:" + context.module().state());
    }

    @Override
    public void exit(ModuleContext context) {
        Trace.record(NAME, "exit:" + context.module().state());
    }
}
