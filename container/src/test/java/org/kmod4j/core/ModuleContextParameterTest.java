package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.Test;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.ModuleContext;

/** {@link ModuleContext#parameter} refuses undeclared names; the typed accessors follow the declared type. */
public class ModuleContextParameterTest extends KernelTestBase {
    private static final String DECL = "offset;type=int;default=3, big;type=ulong;default=18446744073709551615,"
            + " neg;type=long;default=-9223372036854775808, on;type=bool;default=y, ratio;type=double;default=0.5,"
            + " motd;type=string, small;type=byte;default=255, unset;type=int";

    /** Runs {@code check} inside the module's init, where a module reads its parameters. */
    private void inInit(java.util.function.Consumer<ModuleContext> check) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        TestModules.INIT.put("p", ctx -> {
            try {
                check.accept(ctx);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        kernel.load(jars.module("p", "Module-Parameters", DECL), LoadOptions.of(Map.of("offset", "7")));
        if (failure.get() instanceof Error) {
            throw (Error) failure.get();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @Test
    public void anUndeclaredNameThrowsNamingTheDeclaredParameters() throws Exception {
        inInit(ctx -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ctx.parameter("offsett"));
            assertEquals("module p declares no parameter 'offsett' (declared: offset, big, neg, on, ratio, motd, small, unset)",
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ctx.intParameter("offsett"));
        });
    }

    @Test
    public void aModuleWithoutParametersSaysItDeclaresNone() throws Exception {
        AtomicReference<String> message = new AtomicReference<>();
        TestModules.INIT.put("q", ctx -> message.set(
                assertThrows(IllegalArgumentException.class, () -> ctx.parameter("x")).getMessage()));
        kernel.load(jars.module("q"), null);
        assertEquals("module q declares no parameter 'x' (it declares none)", message.get());
    }

    @Test
    public void typedAccessorsReadTheDeclaredType() throws Exception {
        inInit(ctx -> {
            assertEquals(7, ctx.intParameter("offset"));
            assertEquals(255, ctx.intParameter("small"));
            assertEquals(7L, ctx.longParameter("offset"));
            assertEquals(-1L, ctx.longParameter("big")); // ulong max: all 64 bits set
            assertEquals("18446744073709551615", Long.toUnsignedString(ctx.longParameter("big")));
            assertEquals(Long.MIN_VALUE, ctx.longParameter("neg"));
            assertTrue(ctx.boolParameter("on"));
            assertEquals(0.5, ctx.doubleParameter("ratio"), 0.0);
            assertNull(ctx.parameter("motd"));
        });
    }

    @Test
    public void anAccessorOfAnotherTypeOrAMissingValueIsRefused() throws Exception {
        inInit(ctx -> {
            assertEquals("parameter 'big' of module p is declared as ulong, not readable with this accessor",
                    assertThrows(IllegalArgumentException.class, () -> ctx.intParameter("big")).getMessage());
            assertThrows(IllegalArgumentException.class, () -> ctx.boolParameter("offset"));
            assertThrows(IllegalArgumentException.class, () -> ctx.intParameter("motd"));
            assertThrows(IllegalArgumentException.class, () -> ctx.doubleParameter("on"));
            assertEquals("parameter 'unset' of module p has no value (not given and no default)",
                    assertThrows(IllegalStateException.class, () -> ctx.intParameter("unset")).getMessage());
        });
    }
}
