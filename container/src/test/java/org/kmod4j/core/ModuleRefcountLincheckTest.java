package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.CyclicBarrier;

import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.junit.Test;

/**
 * {@link ModuleRefcount}: Lincheck (model checking and stress) against its own sequential
 * behaviour, plus plain tests of the base-reference algorithm (Linux MODULE_REF_BASE,
 * {@code try_release_module_ref}).
 *
 * <p>The Lincheck model is the container's real protocol, not arbitrary call sequences:
 * <ul>
 * <li>{@code put} only drops a reference that was taken: each Lincheck thread puts only
 *     references its own {@code tryGet} took (a per-thread ledger, {@code held[tid]}), and the
 *     init reference is dropped once by the loader ({@code putInit}).
 *     An unbalanced put is a caller bug and is tested separately
 *     ({@link #putWithoutAGetAtIdleReturnsFalseAndKeepsTheBase}).</li>
 * <li>{@code tryRelease} runs under the container's module mutex (ModuleUnloader.checkRemovable),
 *     so it is in a non-parallel group, and after it returned true it is not called again
 *     (the module is GOING from then on).</li>
 * </ul>
 * Within that protocol every {@code tryGet}/{@code put}/{@code tryRelease} interleaving must be
 * linearizable. {@code references()} is checked twice: concurrently with {@code tryGet}/{@code
 * put} only (same non-parallel group as {@code tryRelease}), and, in
 * {@link ReferencesDuringRelease}, concurrently with {@code tryRelease} as well.
 */
public class ModuleRefcountLincheckTest extends ModuleRefcountProtocol {

    /** Here {@code references()} does not race {@code tryRelease} (same non-parallel group). */
    @Operation(nonParallelGroup = "unload")
    public int references() {
        return rc.references();
    }

    @Test
    public void modelChecking() {
        new ModelCheckingOptions()
                .iterations(12)
                .invocationsPerIteration(1_000)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(2)
                .check(ModuleRefcountLincheckTest.class);
    }

    @Test
    public void stress() {
        new StressOptions()
                .iterations(20)
                .invocationsPerIteration(1_000)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(2)
                .check(ModuleRefcountLincheckTest.class);
    }

    /**
     * {@code references()} racing {@code tryRelease()}. Between the subtraction of the base and
     * its restoration the count is one lower than any sequential state (Linux's
     * {@code module_refcount()} has the same window). The class comment of ModuleRefcount says
     * every transition is linearizable, so this is checked too.
     */
    public static class ReferencesDuringRelease extends ModuleRefcountProtocol {
        @Operation
        public int references() {
            return rc.references();
        }
    }

    @Test
    public void referencesIsLinearizableAgainstTryRelease() {
        new ModelCheckingOptions()
                .iterations(12)
                .invocationsPerIteration(1_000)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(1)
                .check(ReferencesDuringRelease.class);
    }

    // ---- plain tests of the algorithm

    @Test
    public void startsWithTheInitReference() {
        ModuleRefcount r = new ModuleRefcount();
        assertEquals(1, r.references());
    }

    @Test
    public void putOfTheInitReferenceLeavesZero() {
        ModuleRefcount r = new ModuleRefcount();
        assertTrue(r.put());
        assertEquals(0, r.references());
        assertTrue("an idle module can still be got", r.tryGet());
        assertEquals(1, r.references());
    }

    @Test
    public void putInitDropsTheInitReference() {
        ModuleRefcount r = new ModuleRefcount();
        r.putInit();
        assertEquals(0, r.references());
    }

    @Test
    public void tryReleaseOnIdleSucceedsAndTryGetFailsForever() {
        ModuleRefcount r = new ModuleRefcount();
        r.putInit();
        assertTrue(r.tryRelease());
        assertEquals("Linux module_refcount() reads -1 once released", -1, r.references());
        for (int i = 0; i < 1_000; i++) {
            assertFalse(r.tryGet());
            assertFalse("nothing to put after release", r.put());
        }
        assertEquals(-1, r.references());
    }

    @Test
    public void tryReleaseWithReferencesHeldFailsAndRestoresTheBase() {
        ModuleRefcount r = new ModuleRefcount();
        r.putInit();
        assertTrue(r.tryGet());
        assertTrue(r.tryGet());
        assertEquals(2, r.references());
        assertFalse(r.tryRelease());
        assertEquals("base restored", 2, r.references());
        assertTrue("still gettable", r.tryGet());
        assertEquals(3, r.references());
        assertTrue(r.put());
        assertTrue(r.put());
        assertTrue(r.put());
        assertEquals(0, r.references());
        assertTrue("a later unload succeeds", r.tryRelease());
        assertFalse(r.tryGet());
    }

    @Test
    public void tryReleaseDuringInitFails() {
        ModuleRefcount r = new ModuleRefcount();
        assertFalse(r.tryRelease());
        assertEquals(1, r.references());
    }

    /** A put after release (count zero) neither wraps nor revives the module. */
    @Test
    public void putAfterReleaseReturnsFalseAndDoesNotWrap() {
        ModuleRefcount r = new ModuleRefcount();
        r.putInit();
        assertTrue(r.tryRelease());
        assertFalse(r.put());
        assertEquals(-1, r.references());
        assertFalse(r.tryGet());
    }

    /**
     * A put without a get on an idle module (references() == 0): ModuleRefcount.put's contract
     * is "false if there was none to drop (a put without a get): the count is left as it was",
     * and KernelModule.put warns "reference put without a get (count not changed)" on false.
     * The put must not consume the base: otherwise a LIVE module can no longer be got and its
     * unload throws IllegalStateException("base reference released twice").
     */
    @Test
    public void putWithoutAGetAtIdleReturnsFalseAndKeepsTheBase() {
        ModuleRefcount r = new ModuleRefcount();
        assertTrue(r.put()); // the init reference
        assertEquals(0, r.references());
        boolean stray = r.put();
        int after = r.references();
        boolean gettable = r.tryGet();
        assertFalse("put with no reference held must return false (returned true, references() now " + after + ")",
                stray);
        assertEquals("the count below zero: the base was consumed", 0, after);
        assertTrue("an idle LIVE module must stay gettable after a stray put", gettable);
    }

    /**
     * The "last put between subtract and restore" case: one reference held (the init one), its
     * holder puts it while unload runs tryRelease. ModuleRefcount is final and its steps are
     * private atomics, so the window cannot be forced from outside with latches; instead
     * Lincheck's model checker runs this two-thread program under every interleaving of the
     * atomic steps, which includes the put landing between tryRelease's subtraction of the base
     * and its restoring CAS loop. In every interleaving: tryRelease returns true iff afterwards
     * no reference is held and none can be taken; otherwise the base is back and the count is
     * exactly "idle" (a second tryRelease succeeds). A lost base (count stuck at 0 while
     * tryRelease reported busy) or a wrapped count fails.
     */
    @Test
    public void lastPutBetweenSubtractAndRestoreAllInterleavings() {
        Lincheck.runConcurrentTest(2_000, () -> {
            ModuleRefcount r = new ModuleRefcount(); // the init reference is the last reference
            boolean[] putResult = new boolean[1];
            Thread holder = new Thread(() -> putResult[0] = r.put());
            holder.start();
            boolean released = r.tryRelease();
            join(holder);
            check(putResult[0], "the holder's put failed");
            if (released) {
                check(r.references() == -1, "released but references() = " + r.references());
                check(!r.tryGet(), "tryGet succeeded after a successful tryRelease");
            } else {
                check(r.references() == 0, "busy, but after the put references() = " + r.references());
                check(r.tryRelease(), "base lost: a second tryRelease on an idle module failed");
            }
        });
    }

    /** The same race on real threads, many times (both outcomes occur). */
    @Test
    public void lastPutRacingTryReleaseOnRealThreads() throws Exception {
        int released = 0;
        int restored = 0;
        for (int i = 0; i < 5_000; i++) {
            ModuleRefcount r = new ModuleRefcount();
            CyclicBarrier go = new CyclicBarrier(2);
            boolean[] putResult = new boolean[1];
            Thread holder = new Thread(() -> {
                await(go);
                putResult[0] = r.put();
            });
            holder.start();
            await(go);
            boolean rel = r.tryRelease();
            holder.join();
            assertTrue(putResult[0]);
            if (rel) {
                released++;
                assertEquals(-1, r.references());
                assertFalse(r.tryGet());
            } else {
                restored++;
                assertEquals("base restored after the put", 0, r.references());
                assertTrue(r.tryRelease());
            }
            if (i > 500 && released > 0 && restored > 0) {
                break;
            }
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
