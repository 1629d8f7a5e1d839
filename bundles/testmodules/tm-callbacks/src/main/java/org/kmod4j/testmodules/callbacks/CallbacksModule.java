package org.kmod4j.testmodules.callbacks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.api.SrcuDomain;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * init queues {@link #CALLBACKS} deferred callbacks on the module's SRCU domain {@code work}
 * ({@code call}) and never calls {@code barrier} itself: the container's implicit barrier at
 * unload must run them all before the bundle is freed. The first callback waits (at most
 * {@link #WAIT_SECONDS} s) until exit has run, so all of them are still pending when the unload
 * starts. Each callback appends {@code cb<i>:<bundle state>:<exited|not-exited>} to the system
 * property {@code kmod4j.itest.tm_callbacks}; init and exit append {@code init:<state>} and
 * {@code exit:<state>}.
 */
@Header(name = "Module-Name", value = CallbacksModule.NAME)
@Header(name = "Module-Init", value = "${@class}")
@Header(name = "Module-Description", value = "kmod4j integration-test module that queues SRCU callbacks and never waits for them")
@Header(name = "Module-License", value = "Apache-2.0")
public class CallbacksModule implements ModuleInit {
    public static final String NAME = "tm_callbacks";
    public static final String DOMAIN = "work";
    public static final int CALLBACKS = 50;
    static final long WAIT_SECONDS = 10;

    /** Counted down by exit. */
    static final CountDownLatch EXITED = new CountDownLatch(1);

    @Override
    public void init(ModuleContext context) {
        Trace.record(NAME, "init:" + context.module().state());
        SrcuDomain work = context.domain(DOMAIN);
        for (int i = 0; i < CALLBACKS; i++) {
            work.call(new Callback(i));
        }
    }

    @Override
    public void exit(ModuleContext context) {
        Trace.record(NAME, "exit:" + context.module().state());
        EXITED.countDown();
    }

    private static final class Callback implements Runnable {
        private final int index;

        Callback(int index) {
            this.index = index;
        }

        @Override
        public void run() {
            boolean exited;
            if (index == 0) {
                try {
                    exited = EXITED.await(WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exited = EXITED.getCount() == 0;
                }
            } else {
                exited = EXITED.getCount() == 0;
            }
            Bundle bundle = FrameworkUtil.getBundle(Callback.class);
            String state = bundle == null ? "NO_BUNDLE" : stateName(bundle.getState());
            Trace.record(NAME, "cb" + index + ":" + state + ":" + (exited ? "exited" : "not-exited"));
        }

        @Override
        public String toString() {
            return NAME + " callback " + index;
        }
    }

    static String stateName(int state) {
        switch (state) {
            case Bundle.UNINSTALLED: return "UNINSTALLED";
            case Bundle.INSTALLED: return "INSTALLED";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            case Bundle.ACTIVE: return "ACTIVE";
            default: return "state" + state;
        }
    }
}
