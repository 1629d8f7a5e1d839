package org.kmod4j.admin;

import java.io.PrintStream;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.Taint;

/**
 * The JVM's default uncaught exception handler, printing what a kernel oops prints: the
 * exception, {@code Modules linked in: a b c} (every formed module, with its own taint letters
 * in parentheses as Linux does), the container's taint state ({@code Tainted: RW} or
 * {@code Not tainted}) and the stack with the owning module of each frame:
 *
 * <pre>
 * Exception in thread "tm_oops-worker" java.lang.IllegalStateException: oops
 * Modules linked in: hello cpufreq acpi_cpufreq tm_oops
 * Comm: tm_oops-worker Tainted: W
 * Call Trace:
 *         at org.kmod4j.testmodules.oops.OopsModule.lambda$init$0(OopsModule.java:30) [tm_oops]
 *         at java.base/java.lang.Thread.run(Thread.java:833)
 * </pre>
 *
 * <p>A frame's module comes from {@code ModuleContainer.findByClassName}, which takes no lock
 * (Linux's {@code __module_address} under RCU): an oops never waits for a load or unload in
 * progress. Whatever goes wrong while asking the container, the exception itself is still
 * printed.
 *
 * <p>The JVM has one default handler: {@link #install} puts this one in place and remembers the
 * previous one, {@link #uninstall} puts that back if this one is still in place (the admin
 * bundle stops, or its container goes).
 */
final class ModulesLinkedIn implements Thread.UncaughtExceptionHandler {

    private final Supplier<PrintStream> err;
    private final ModuleContainer container;
    private Thread.UncaughtExceptionHandler previous;

    ModulesLinkedIn(ModuleContainer container, Supplier<PrintStream> err) {
        this.container = container;
        this.err = err;
    }

    /** Installs a handler for {@code container} as the JVM's default. */
    static ModulesLinkedIn install(ModuleContainer container) {
        ModulesLinkedIn handler = new ModulesLinkedIn(container, () -> System.err);
        synchronized (ModulesLinkedIn.class) {
            handler.previous = Thread.getDefaultUncaughtExceptionHandler();
            Thread.setDefaultUncaughtExceptionHandler(handler);
        }
        return handler;
    }

    /** Puts the previous default handler back, if this one is still the default. */
    void uninstall() {
        synchronized (ModulesLinkedIn.class) {
            if (Thread.getDefaultUncaughtExceptionHandler() == this) {
                Thread.setDefaultUncaughtExceptionHandler(previous);
            }
        }
    }

    @Override
    public void uncaughtException(Thread thread, Throwable failure) {
        String text;
        try {
            text = oops(thread, failure);
        } catch (Throwable t) { // never lose the original exception
            text = "Exception in thread \"" + thread.getName() + "\" " + failure + "\n(no module information: " + t
                    + ")\n";
        }
        PrintStream out = err.get();
        out.print(text);
        out.flush();
    }

    /** The oops text for {@code failure} in {@code thread}. */
    String oops(Thread thread, Throwable failure) {
        StringBuilder out = new StringBuilder();
        out.append("Exception in thread \"").append(thread.getName()).append("\" ").append(failure).append('\n');
        out.append("Modules linked in:");
        for (Module module : container.modules()) {
            String letters = Taint.letters(module.taints());
            out.append(' ').append(module.name()).append(letters.isEmpty() ? "" : "(" + letters + ")");
        }
        out.append('\n');
        String taints = Taint.letters(container.taints());
        out.append("Comm: ").append(thread.getName()).append(' ')
                .append(taints.isEmpty() ? "Not tainted" : "Tainted: " + taints).append('\n');
        out.append("Call Trace:\n");
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(failure);
        frames(out, failure.getStackTrace(), new StackTraceElement[0], "");
        enclosed(out, failure, failure.getStackTrace(), "", seen);
        return out.toString();
    }

    /** Suppressed and cause chains, as {@link Throwable#printStackTrace()} prints them. */
    private void enclosed(StringBuilder out, Throwable parent, StackTraceElement[] parentTrace, String indent,
            Set<Throwable> seen) {
        for (Throwable suppressed : parent.getSuppressed()) {
            caused(out, suppressed, parentTrace, indent + "\t", "Suppressed: ", seen);
        }
        Throwable cause = parent.getCause();
        if (cause != null) {
            caused(out, cause, parentTrace, indent, "Caused by: ", seen);
        }
    }

    private void caused(StringBuilder out, Throwable t, StackTraceElement[] enclosingTrace, String indent,
            String caption, Set<Throwable> seen) {
        if (!seen.add(t)) {
            out.append(indent).append("\t[CIRCULAR REFERENCE: ").append(t).append("]\n");
            return;
        }
        out.append(indent).append(caption).append(t).append('\n');
        StackTraceElement[] trace = t.getStackTrace();
        frames(out, trace, enclosingTrace, indent);
        enclosed(out, t, trace, indent, seen);
    }

    /** The frames not in common with the enclosing trace, each with its module. */
    private void frames(StringBuilder out, StackTraceElement[] trace, StackTraceElement[] enclosing, String indent) {
        int m = trace.length - 1;
        int n = enclosing.length - 1;
        while (m >= 0 && n >= 0 && trace[m].equals(enclosing[n])) {
            m--;
            n--;
        }
        int inCommon = trace.length - 1 - m;
        for (int i = 0; i <= m; i++) {
            out.append(indent).append("\tat ").append(trace[i]);
            String module = moduleOf(trace[i].getClassName());
            if (module != null) {
                out.append(" [").append(module).append(']');
            }
            out.append('\n');
        }
        if (inCommon != 0) {
            out.append(indent).append("\t... ").append(inCommon).append(" more\n");
        }
    }

    /** The name of the module owning this class name, or null. */
    private String moduleOf(String className) {
        try {
            Optional<Module> module = container.findByClassName(className);
            return module.map(Module::name).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
