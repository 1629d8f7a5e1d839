package org.kmod4j.testmodules.initfail;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/** init fails with ENODEV ("no such device") unless loaded with {@code fail=n}: "fixed". */
@Header(name = "Module-Name", value = InitFailModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j integration-test module whose init fails with ENODEV")
@Header(name = "Module-License", value = "Apache-2.0")
@Header(name = "Module-Parameters", value = "fail;type=bool;description=\"Fail init with ENODEV\";default=true")
public class InitFailModule implements ModuleInit {
    public static final String NAME = "tm_initfail";

    @Override
    public void init(ModuleContext context) {
        Trace.record(NAME, "init:" + context.module().state());
        if (context.boolParameter("fail")) {
            throw new ModuleException(Errno.ENODEV, NAME + ": no device found");
        }
    }

    @Override
    public void exit(ModuleContext context) {
        Trace.record(NAME, "exit:" + context.module().state());
    }
}
