package org.kmod4j.examples.greeterclient;

import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.kmod4j.api.Errno;
import org.kmod4j.api.Guarded;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.api.ParameterType;
import org.kmod4j.api.annotation.ModuleAuthor;
import org.kmod4j.api.annotation.ModuleDescription;
import org.kmod4j.api.annotation.ModuleInitializer;
import org.kmod4j.api.annotation.ModuleLicense;
import org.kmod4j.api.annotation.ModuleName;
import org.kmod4j.api.annotation.ModuleParameter;
import org.kmod4j.api.annotation.ModuleSoftdep;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The <em>guarded service consumer</em> example: calls the {@code hello} module's Greeter service
 * over and over, each call through {@link Guarded#service}, and counts what happened while
 * {@code hello} came and went.
 *
 * <p>Every call through the guarded proxy runs inside {@code hello}'s guard
 * ({@link Module#enter()}): {@code hello}'s unload waits for calls in flight before it runs
 * {@code hello}'s exit, and a call that starts once {@code hello} is GOING fails fast with a
 * {@link ModuleException} ENOENT instead of running code of a bundle that is being torn down.
 * Without the guard the call would race with {@code hello}'s exit (a plain OSGi service can be
 * called after its bundle stopped). The client counts calls that returned a greeting
 * ({@code ok}), calls refused with ENOENT while {@code hello} was unloading ({@code enoent}; EBUSY
 * while it was still in its init, {@code ebusy}), and rounds that found no Greeter at all
 * ({@code unavailable}); it logs each change of outcome and the totals at exit.
 *
 * <p>It does not import {@code org.kmod4j.examples.hello}: a module that imports another's package
 * holds it, and {@code rmmod hello} would be refused ("in use by: greeter_client"). It tracks the
 * service by class name and calls it as the JDK {@code Function<String, String>} the Greeter also
 * is. {@code @ModuleSoftdep("pre: hello")} tells modprobe to load {@code hello} first.
 *
 * <p>Try it in the shell:
 * <pre>
 * g! insmod hello.jar; insmod greeter-client.jar period_ms=200
 * g! rmmod hello; insmod hello.jar greeting=hi
 * g! rmmod greeter_client
 * g! dmesg | grep greeter_client    # greeter available: hello, greeter_client ... hi, greeter_client
 *                                   # exit: calls=... ok=... enoent=... ebusy=... unavailable=...
 * </pre>
 */
@ModuleName("greeter_client")
@ModuleDescription("Calls hello's Greeter through Guarded.service, counting calls refused while hello unloads")
@ModuleAuthor("The kmod4j authors")
@ModuleLicense("GPL")
@ModuleSoftdep("pre: hello")
@ModuleParameter(name = "period_ms", type = ParameterType.INT, description = "Pause between two calls, in ms",
        defaultValue = "100")
@ModuleInitializer
public final class GreeterClientModule implements ModuleInit {

    /** The Greeter's service interface, by name: see the class comment. */
    static final String GREETER = "org.kmod4j.examples.hello.Greeter";

    private final LongAdder ok = new LongAdder();
    private final LongAdder enoent = new LongAdder();
    private final LongAdder busy = new LongAdder();
    private final LongAdder unavailable = new LongAdder();
    private ServiceTracker<Object, Object> tracker;
    private Thread caller;
    private volatile boolean stopping;
    private String lastOutcome = "";

    @Override
    public void init(ModuleContext context) throws Exception {
        int periodMs = context.intParameter("period_ms");
        BundleContext bundleContext = context.bundleContext();
        tracker = new ServiceTracker<>(bundleContext, bundleContext.createFilter("(objectClass=" + GREETER + ")"), null);
        tracker.open(true);
        caller = new Thread(() -> callLoop(context, periodMs), "greeter_client caller");
        caller.setDaemon(true);
        caller.start();
    }

    @Override
    public void exit(ModuleContext context) throws InterruptedException {
        stopping = true;
        caller.interrupt();
        caller.join();
        tracker.close();
        context.log("exit: calls=" + (ok.sum() + enoent.sum() + busy.sum()) + " ok=" + ok.sum() + " enoent="
                + enoent.sum() + " ebusy=" + busy.sum() + " unavailable=" + unavailable.sum());
    }

    private void callLoop(ModuleContext context, int periodMs) {
        while (!stopping) {
            callOnce(context);
            try {
                Thread.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void callOnce(ModuleContext context) {
        ServiceReference<Object> ref = tracker.getServiceReference();
        Object service = ref == null ? null : tracker.getService(ref);
        Bundle owner = ref == null ? null : ref.getBundle(); // null once unregistered
        Optional<Module> provider = owner == null ? Optional.empty() : context.container().find(owner);
        if (service == null || provider.isEmpty()) {
            unavailable.increment();
            outcome(context, "no greeter");
            return;
        }
        Function<String, String> greeter = Guarded.service(provider.get(), Function.class, (Function<String, String>) service);
        try {
            String greeting = greeter.apply(context.module().name());
            ok.increment();
            outcome(context, "greeter available: " + greeting);
        } catch (ModuleException e) {
            // nothing of hello ran: ENOENT once it is GOING, EBUSY while it is still COMING
            if (e.errno() == Errno.ENOENT) {
                enoent.increment();
                outcome(context, provider.get().name() + " is unloading: call refused with ENOENT");
            } else if (e.errno() == Errno.EBUSY) {
                busy.increment();
                outcome(context, provider.get().name() + " is still loading: call refused with EBUSY");
            } else {
                throw e;
            }
        }
    }

    /** Logs an outcome when it differs from the previous one (no log line per call). */
    private void outcome(ModuleContext context, String text) {
        if (!text.equals(lastOutcome)) {
            lastOutcome = text;
            context.log(text);
        }
    }
}
