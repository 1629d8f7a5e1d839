package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Before;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleGuard;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.paxexam.KmodTestSupport;

/**
 * The greeter-client example: a service consumer through ModuleContext.service. While hello is
 * unloading its Greeter is still registered, and the client's calls are refused with ENOENT (no
 * hello is LIVE) instead of running code of a module being torn down; once hello is loaded again
 * the same proxy calls it. The test keeps hello in its GOING window by holding a guard on it (the
 * unload waits for it), so the window is long enough to see.
 */
public class ExampleGreeterClientIT extends KmodTestSupport {

    static final String AVAILABLE = "greeter_client: greeter available: hello, greeter_client";

    @Before
    public void clearLog() {
        container.clearDmesg();
    }

    @Test
    public void callsAreRefusedWithEnoentWhileHelloUnloads() throws Exception {
        Module hello = Examples.load(container, "hello");
        Examples.load(container, "greeter-client", "period_ms", "1");
        Examples.awaitDmesg(container, AVAILABLE, 1);
        assertEquals("the client does not import hello's package, so it does not hold hello",
                List.of(), hello.holders());

        CompletableFuture<Void> unload;
        try (ModuleGuard guard = hello.enter()) {
            unload = CompletableFuture.runAsync(() -> container.unload("hello", UnloadOptions.defaults()));
            await("hello GOING", () -> hello.state() == ModuleState.GOING);
            // hello is GOING and its Greeter still registered: the unload waits for our guard
            Examples.awaitDmesg(container, "greeter_client: no greeter: call refused with ENOENT", 1);
            assertTrue("hello's exit has not run", Examples.dmesg(container, "hello: goodbye").isEmpty());
        }
        unload.get();

        Examples.load(container, "hello");
        Examples.awaitDmesg(container, AVAILABLE, 2);
        container.unload("greeter_client", UnloadOptions.defaults());

        String exit = Examples.dmesg(container, "greeter_client: exit: ").get(0);
        Matcher m = Pattern.compile("calls=(\\d+) ok=(\\d+) refused=(\\d+)").matcher(exit);
        assertTrue(exit, m.find());
        assertTrue(exit, Long.parseLong(m.group(2)) >= 2);
        assertTrue(exit, Long.parseLong(m.group(3)) >= 1);
        assertEquals("hello was never held, so it unloads while the client runs", List.of(),
                Examples.dmesg(container, "in use"));
    }

    /** The path of a consumer that is not a module (a DS component, a plain bundle): the same proxy. */
    @Test
    public void aProxyFromTheContainerFollowsHelloAcrossUnloadAndLoad() throws Exception {
        String greeterOnly = "(objectClass=org.kmod4j.examples.hello.Greeter)";
        @SuppressWarnings("unchecked")
        Function<String, String> greeter = container.service(bundleContext, Function.class, greeterOnly, null);
        assertEquals(Errno.ENOENT, errno(() -> greeter.apply("x")));
        Examples.load(container, "hello");
        assertEquals("hello, x", greeter.apply("x"));
        container.unload("hello", UnloadOptions.defaults());
        assertEquals("no hello is LIVE", Errno.ENOENT, errno(() -> greeter.apply("x")));
        Examples.load(container, "hello", "greeting", "hi");
        assertEquals("the same proxy follows the new hello", "hi, x", greeter.apply("x"));
        assertTrue(greeter.toString(), greeter.toString().startsWith("Guarded[Function -> java.util.function.Function"));

        assertEquals(Errno.EINVAL, errno(() -> container.service(bundleContext, Function.class, "(objectClass=", null)));
        @SuppressWarnings("unchecked")
        Function<String, String> none = container.service(bundleContext, Function.class, "(objectClass=nothing.Here)",
                Duration.ofMillis(100));
        long t0 = System.nanoTime();
        assertEquals(Errno.ENOENT, errno(() -> none.apply("x")));
        assertTrue("waited its bound", System.nanoTime() - t0 >= Duration.ofMillis(100).toNanos());
    }

    private static Errno errno(Runnable call) {
        try {
            call.run();
        } catch (ModuleException e) {
            return e.errno();
        }
        return null;
    }
}
