package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Before;
import org.junit.Test;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleGuard;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.paxexam.KmodTestSupport;

/**
 * The greeter-client example: a guarded service consumer. While hello is unloading its Greeter is
 * still registered, and the client's calls through Guarded.service are refused with ENOENT
 * instead of running code of a module being torn down. The test keeps hello in its GOING window
 * by holding a guard on it (the unload waits for it), so the window is long enough to see.
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
            Examples.awaitDmesg(container, "greeter_client: hello is unloading: call refused with ENOENT", 1);
            assertTrue("hello's exit has not run", Examples.dmesg(container, "hello: goodbye").isEmpty());
        }
        unload.get();
        Examples.awaitDmesg(container, "greeter_client: no greeter", 1);

        Examples.load(container, "hello");
        Examples.awaitDmesg(container, AVAILABLE, 2);
        container.unload("greeter_client", UnloadOptions.defaults());

        String exit = Examples.dmesg(container, "greeter_client: exit: ").get(0);
        Matcher m = Pattern.compile("calls=(\\d+) ok=(\\d+) enoent=(\\d+) ebusy=(\\d+) unavailable=(\\d+)").matcher(exit);
        assertTrue(exit, m.find());
        assertTrue(exit, Long.parseLong(m.group(2)) >= 2);
        assertTrue(exit, Long.parseLong(m.group(3)) >= 1);
        assertTrue(exit, Long.parseLong(m.group(5)) >= 1);
        assertEquals("hello was never held, so it unloads while the client runs", List.of(),
                Examples.dmesg(container, "in use"));
    }
}
