package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.kmod4j.itests.Kmod.clearTrace;
import static org.kmod4j.itests.Kmod.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.Test;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.SrcuDomain;
import org.kmod4j.api.UnloadOptions;
import org.kmod4j.paxexam.KmodTestSupport;
import org.osgi.framework.Bundle;

/**
 * The implicit {@code srcu_barrier} at unload: tm_callbacks queues {@value #CALLBACKS} deferred
 * callbacks on its domain {@code work} and never waits for them (its first callback blocks until
 * exit has run, so all are pending when the unload starts); unload must run every one of them
 * before the bundle is uninstalled and log the barrier. A module that never used {@code call}
 * (tm_good) pays no barrier.
 */
public class SrcuCallbacksIT extends KmodTestSupport {

    static final int CALLBACKS = 50;
    static final String NAME = "tm_callbacks";

    @Test
    public void unloadRunsEveryPendingCallbackBeforeTheBundleIsFreed() {
        clearTrace(NAME);
        container.clearDmesg();
        Module m = container.load(KmodOptions.jar("tm-callbacks"), LoadOptions.defaults());
        assertEquals(ModuleState.LIVE, m.state());
        Bundle bundle = m.bundle();
        SrcuDomain work = m.domains().get("work");
        assertTrue("the module's domains " + m.domains().keySet() + " include work", work != null);
        assertTrue(work.hadCallbacks());
        assertTrue("the first callback waits for exit, so callbacks are pending: " + work.callbacksPending(),
                work.callbacksPending() > 0);
        assertEquals("init:COMING", trace(NAME));

        container.unload(NAME, UnloadOptions.defaults());

        // when unload returns, every callback has run: after exit, before the bundle was uninstalled
        List<String> events = new ArrayList<>(Arrays.asList(trace(NAME).split(",")));
        assertEquals("init:COMING", events.get(0));
        assertEquals("exit:GOING", events.get(1));
        List<String> callbacks = events.subList(2, events.size());
        assertEquals("callbacks that ran by the time unload returned: " + callbacks, CALLBACKS, callbacks.size());
        for (int i = 0; i < CALLBACKS; i++) {
            String[] cb = callbacks.get(i).split(":");
            assertEquals("callbacks run in the order they were queued: " + callbacks, "cb" + i, cb[0]);
            assertFalse("callback " + i + " ran on an uninstalled bundle: " + callbacks.get(i),
                    cb[1].equals("UNINSTALLED") || cb[1].equals("NO_BUNDLE"));
            assertEquals("callback " + i + " ran after exit (it was pending at unload): " + callbacks.get(i),
                    "exited", cb[2]);
        }
        assertEquals(0, work.callbacksPending());
        assertEquals(Bundle.UNINSTALLED, bundle.getState());
        assertTrue(container.find(NAME).isEmpty());

        List<String> dmesg = container.dmesg();
        assertTrue("dmesg logs the barrier:\n" + String.join("\n", dmesg),
                dmesg.stream().anyMatch(l -> l.contains("tm_callbacks: srcu barrier on domain work")));
        assertFalse("the default domain had no callbacks, so no barrier on it:\n" + String.join("\n", dmesg),
                dmesg.stream().anyMatch(l -> l.contains("tm_callbacks: srcu barrier on domain default")));
        assertFalse(m.domain().hadCallbacks());
    }

    @Test
    public void aModuleThatNeverUsedCallPaysNoBarrier() {
        container.clearDmesg();
        Module m = container.load(KmodOptions.jar("tm-good"), LoadOptions.defaults());
        container.unload("tm_good", UnloadOptions.defaults());
        assertTrue(container.find("tm_good").isEmpty());

        List<String> dmesg = container.dmesg();
        assertTrue("the unload is logged:\n" + String.join("\n", dmesg),
                dmesg.stream().anyMatch(l -> l.contains("tm_good: unloaded")));
        List<String> barriers = dmesg.stream().filter(l -> l.contains("srcu barrier")).collect(Collectors.toList());
        assertTrue("tm_good never used call, no barrier expected: " + barriers,
                barriers.stream().noneMatch(l -> l.contains("tm_good")));
        assertFalse(m.domain().hadCallbacks());
        for (SrcuDomain d : m.domains().values()) {
            assertFalse(d.name() + " had callbacks", d.hadCallbacks());
        }
    }
}
