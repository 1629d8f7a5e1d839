package org.kmod4j.admin;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.Test;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.Taint;

/** The oops text, against a fake container (the real one is exercised by ModulesLinkedInIT). */
public class ModulesLinkedInTest {

    private static Module module(String name, Set<Taint> taints) {
        return (Module) Proxy.newProxyInstance(ModulesLinkedInTest.class.getClassLoader(), new Class<?>[] {Module.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "name":
                            return name;
                        case "taints":
                            return taints;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    /** Owns classes of this test class's package prefix "org.kmod4j.admin.ModulesLinkedInTest" as "owner". */
    private static ModuleContainer container(List<Module> modules, Set<Taint> taints, Map<String, Module> owners,
            boolean broken) {
        return (ModuleContainer) Proxy.newProxyInstance(ModulesLinkedInTest.class.getClassLoader(),
                new Class<?>[] {ModuleContainer.class}, (proxy, method, args) -> {
                    if (broken) {
                        throw new IllegalStateException("container gone");
                    }
                    switch (method.getName()) {
                        case "modules":
                            return modules;
                        case "taints":
                            return taints;
                        case "findByClassName":
                            return owners.entrySet().stream().filter(e -> ((String) args[0]).startsWith(e.getKey()))
                                    .map(Map.Entry::getValue).findFirst();
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private static Throwable thrown() {
        try {
            Helper.fail();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError();
    }

    static final class Helper {
        static void fail() {
            try {
                throw new IllegalArgumentException("inner");
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("outer", e);
            }
        }
    }

    @Test
    public void oopsListsModulesTaintsAndTheOwnerOfEachFrame() throws Exception {
        Module owner = module("owner", EnumSet.of(Taint.FORCED_RMMOD));
        ModuleContainer container = container(List.of(module("hello", EnumSet.noneOf(Taint.class)), owner),
                EnumSet.of(Taint.WARN, Taint.FORCED_RMMOD),
                Map.of(Helper.class.getName(), owner), false);
        ModulesLinkedIn handler = new ModulesLinkedIn(container, () -> System.err);
        Thread thread = new Thread(() -> { }, "worker-1");
        String text = handler.oops(thread, thrown());
        String[] lines = text.split("\n");
        assertEquals("Exception in thread \"worker-1\" java.lang.IllegalStateException: outer", lines[0]);
        assertEquals("Modules linked in: hello owner(R)", lines[1]);
        assertEquals("Comm: worker-1 Tainted: RW", lines[2]);
        assertEquals("Call Trace:", lines[3]);
        assertTrue(text, lines[4].matches("\tat org\\.kmod4j\\.admin\\.ModulesLinkedInTest\\$Helper\\.fail"
                + "\\(ModulesLinkedInTest\\.java:\\d+\\) \\[owner\\]"));
        assertTrue(text, lines[5].matches("\tat org\\.kmod4j\\.admin\\.ModulesLinkedInTest\\.thrown"
                + "\\(ModulesLinkedInTest\\.java:\\d+\\)"));
        assertTrue(text, text.contains("\nCaused by: java.lang.IllegalArgumentException: inner\n"));
        assertTrue("common frames are folded as printStackTrace does: " + text, text.matches("(?s).*\t\\.\\.\\. \\d+ more\n"));
    }

    @Test
    public void notTaintedAndNoModules() throws Exception {
        ModuleContainer container = container(List.of(), EnumSet.noneOf(Taint.class), Map.of(), false);
        ModulesLinkedIn handler = new ModulesLinkedIn(container, () -> System.err);
        String text = handler.oops(new Thread(() -> { }, "t"), new RuntimeException("x"));
        assertTrue(text, text.startsWith("Exception in thread \"t\" java.lang.RuntimeException: x\n"
                + "Modules linked in:\nComm: t Not tainted\nCall Trace:\n"));
        assertFalse(text, text.contains("["));
    }

    @Test
    public void aBrokenContainerStillPrintsTheException() throws Exception {
        ModuleContainer container = container(List.of(), EnumSet.noneOf(Taint.class), Map.of(), true);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ModulesLinkedIn handler = new ModulesLinkedIn(container, () -> err);
        handler.uncaughtException(new Thread(() -> { }, "t"), new RuntimeException("boom"));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text, text.startsWith("Exception in thread \"t\" java.lang.RuntimeException: boom\n"));
        assertTrue(text, text.contains("container gone"));
    }

    @Test
    public void theRealHandlerRunsForADyingThread() throws Exception {
        ModuleContainer container = container(List.of(module("m", EnumSet.noneOf(Taint.class))),
                EnumSet.noneOf(Taint.class), Map.of(), false);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Thread thread = new Thread(() -> {
            throw new IllegalStateException("dies");
        }, "dying");
        thread.setUncaughtExceptionHandler(new ModulesLinkedIn(container, () -> err));
        thread.start();
        thread.join();
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text, text.startsWith("Exception in thread \"dying\" java.lang.IllegalStateException: dies\n"
                + "Modules linked in: m\n"));
    }
}
