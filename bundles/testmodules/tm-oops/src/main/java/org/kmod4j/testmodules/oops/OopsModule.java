package org.kmod4j.testmodules.oops;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.osgi.annotation.bundle.Header;

/**
 * init starts a thread named {@code tm_oops-worker} that throws
 * {@code IllegalStateException("tm_oops: deliberate oops")} from a method of this module, and
 * waits until the thread has died (so the JVM's uncaught exception handler has run when init
 * returns); the module then loads normally.
 */
@Header(name = "Module-Name", value = OopsModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j test module whose thread dies of an uncaught exception")
@Header(name = "Module-License", value = "Apache-2.0")
public class OopsModule implements ModuleInit {
    public static final String NAME = "tm_oops";

    @Override
    public void init(ModuleContext context) {
        Thread worker = new Thread(OopsModule::work, NAME + "-worker");
        worker.start();
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void work() {
        fail();
    }

    private static void fail() {
        throw new IllegalStateException(NAME + ": deliberate oops", new IllegalArgumentException("the cause"));
    }

    @Override
    public void exit(ModuleContext context) {
    }
}
