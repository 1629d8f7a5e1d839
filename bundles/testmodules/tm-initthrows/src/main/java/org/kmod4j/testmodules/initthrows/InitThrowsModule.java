package org.kmod4j.testmodules.initthrows;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/** init throws an unchecked exception that is not a ModuleException: the container reports EIO. */
@Header(name = "Module-Name", value = InitThrowsModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j integration-test module whose init throws")
@Header(name = "Module-License", value = "Apache-2.0")
public class InitThrowsModule implements ModuleInit {
    public static final String NAME = "tm_initthrows";

    @Override
    public void init(ModuleContext context) {
        Trace.record(NAME, "init:" + context.module().state());
        throw new IllegalStateException(NAME + ": boom");
    }

    @Override
    public void exit(ModuleContext context) {
        Trace.record(NAME, "exit:" + context.module().state());
    }
}
