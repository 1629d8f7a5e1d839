package org.kmod4j.examples.greeterclient;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.kmod4j.api.Errno;
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

/**
 * The <em>guarded service consumer</em> example: calls the {@code hello} module's Greeter over
 * and over through one proxy from {@link ModuleContext#service(Class, String)}, and counts what
 * happened while {@code hello} came, went or was replaced.
 *
 * <p>The proxy follows whichever {@code hello} is LIVE. Each call runs inside that module's
 * guard: an unload of {@code hello} waits for calls in flight before it runs {@code hello}'s exit.
 * During {@code insmod --replace hello.jar} calls go to the old {@code hello} until the new one is
 * LIVE, then to the new one: none is refused. Only while no {@code hello} is LIVE (after
 * {@code rmmod hello}) is a call refused, with a {@link ModuleException} ENOENT, and nothing of a
 * module being torn down runs. The client counts calls that returned a greeting ({@code ok}) and
 * refused ones ({@code refused}), logs each change of outcome, and the totals at exit.
 *
 * <p>It does not import {@code org.kmod4j.examples.hello}: a module that imports another's package
 * holds it, and {@code rmmod hello} would be refused ("in use by: greeter_client"). It follows the
 * service as the JDK {@code Function<String, String>} the Greeter also is and is registered as.
 * {@code @ModuleSoftdep("pre: hello")} tells modprobe to load {@code hello} first.
 *
 * <p>Try it in the shell:
 * <pre>
 * g! insmod hello.jar; insmod greeter-client.jar period_ms=1
 * g! insmod --replace hello.jar greeting=hi      # no call refused
 * g! rmmod greeter_client
 * g! dmesg | grep greeter_client    # greeter available: hello, greeter_client ... hi, greeter_client
 *                                   # exit: calls=... ok=... refused=0
 * </pre>
 */
@ModuleName("greeter_client")
@ModuleDescription("Calls hello's Greeter through a service proxy, counting calls refused while no hello is LIVE")
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
    private final LongAdder refused = new LongAdder();
    private Thread caller;
    private volatile boolean stopping;
    private String lastOutcome = "";

    @Override
    public void init(ModuleContext context) {
        int periodMs = context.intParameter("period_ms");
        @SuppressWarnings("unchecked")
        Function<String, String> greeter = context.service(Function.class, "(objectClass=" + GREETER + ")");
        caller = new Thread(() -> callLoop(context, greeter, periodMs), "greeter_client caller");
        caller.setDaemon(true);
        caller.start();
    }

    @Override
    public void exit(ModuleContext context) throws InterruptedException {
        stopping = true;
        caller.interrupt();
        caller.join();
        context.log("exit: calls=" + (ok.sum() + refused.sum()) + " ok=" + ok.sum() + " refused=" + refused.sum());
    }

    private void callLoop(ModuleContext context, Function<String, String> greeter, int periodMs) {
        while (!stopping) {
            try {
                String greeting = greeter.apply(context.module().name());
                ok.increment();
                outcome(context, "greeter available: " + greeting);
            } catch (ModuleException e) {
                if (e.errno() != Errno.ENOENT) {
                    throw e;
                }
                // no hello is LIVE: nothing of a module being torn down ran
                refused.increment();
                outcome(context, "no greeter: call refused with ENOENT");
            }
            try {
                Thread.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
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
