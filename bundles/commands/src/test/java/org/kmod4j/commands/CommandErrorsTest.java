package org.kmod4j.commands;

import org.kmod4j.shell.CommandErrors;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;

/**
 * One error line per failure: printed by the command outside the console, printed by the
 * console (from the exception's toString) inside it; the command fails either way.
 */
public class CommandErrorsTest {

    static final class Captured {
        final String err;
        final RuntimeException failure;

        Captured(String err, RuntimeException failure) {
            this.err = err;
            this.failure = failure;
        }
    }

    /** Runs {@code action} with System.err captured; it must throw. */
    static Captured capture(Runnable action) {
        PrintStream saved = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RuntimeException failure = null;
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            System.setErr(saved);
        }
        assertNotNull("the command must fail", failure);
        return new Captured(bytes.toString(StandardCharsets.UTF_8), failure);
    }

    private final Fakes.FakeContainer container = new Fakes.FakeContainer();
    private final Rmmod rmmod = new Rmmod(new ContainerAccess(() -> container));

    @Test
    public void atTheConsoleNothingIsPrintedAndTheExceptionReadsAsKmodsLine() {
        Captured c = capture(() -> rmmod.rmmod(Fakes.console(), "hello"));
        assertEquals("", c.err);
        assertEquals("rmmod: ERROR: Module hello is not currently loaded", c.failure.toString());
        ModuleException e = (ModuleException) c.failure;
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("Module hello is not currently loaded", e.getMessage());
        assertTrue("the container's exception is the cause", e.getCause() instanceof ModuleException);
    }

    @Test
    public void elsewhereTheCommandPrintsTheLineAndThrowsTheContainersException() {
        Captured c = capture(() -> rmmod.rmmod(Fakes.session(Map.of()), "hello"));
        assertEquals("rmmod: ERROR: Module hello is not currently loaded" + System.lineSeparator(), c.err);
        assertSame("the container's own exception, as -c and the itests expect", ModuleException.class,
                c.failure.getClass());
        assertEquals(Errno.ENOENT, ((ModuleException) c.failure).errno());
    }

    @Test
    public void rmmodReportsEveryFailedNameOnceAndFailsAtTheEnd() {
        container.add("b");
        Captured console = capture(() -> rmmod.rmmod(Fakes.console(), "a", "b", "c"));
        assertEquals("rmmod: ERROR: Module a is not currently loaded" + System.lineSeparator(), console.err);
        assertEquals("rmmod: ERROR: Module c is not currently loaded", console.failure.toString());
        assertEquals("the names after a failure are still removed", List.of("b"), container.unloaded);

        container.add("b");
        Captured script = capture(() -> rmmod.rmmod(Fakes.session(Map.of()), "a", "b", "c"));
        assertEquals("rmmod: ERROR: Module a is not currently loaded" + System.lineSeparator()
                + "rmmod: ERROR: Module c is not currently loaded" + System.lineSeparator(), script.err);
    }

    @Test
    public void usageErrorsFollowTheSameRule() {
        Captured console = capture(() -> rmmod.rmmod(Fakes.console()));
        assertEquals("", console.err);
        assertEquals("rmmod: ERROR: missing module name.", console.failure.toString());
        assertEquals(Errno.EINVAL, ((ModuleException) console.failure).errno());

        Insmod insmod = new Insmod(new ContainerAccess(() -> container));
        Captured script = capture(() -> insmod.insmod(Fakes.session(Map.of())));
        assertEquals("insmod: ERROR: missing filename." + System.lineSeparator(), script.err);
    }

    @Test
    public void aMissingContainerIsReportedToo() {
        Lsmod lsmod = new Lsmod(new ContainerAccess(() -> null));
        Captured c = capture(() -> lsmod.lsmod(Fakes.console()));
        assertTrue(c.failure.toString(), c.failure.toString().startsWith("lsmod: ERROR: the kmod4j container is not running"));
        assertEquals(Errno.ENODEV, ((ModuleException) c.failure).errno());
    }
}
