package org.kmod4j.launcher;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

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
 * progress. The container API is reached through reflection, like {@link ContainerClient}: its
 * classes belong to the container bundle's class loader, not the launcher's; the reflective
 * handles are resolved once, at {@link #install}, so printing an oops loads no class. Whatever
 * goes wrong while asking the container, the exception itself is still printed.
 */
final class ModulesLinkedIn implements Thread.UncaughtExceptionHandler {

    private static final String CONTAINER = "org.kmod4j.api.ModuleContainer";
    private static final String MODULE = "org.kmod4j.api.Module";

    private final Supplier<PrintStream> err;
    private final ContainerView container;

    ModulesLinkedIn(ContainerView container, Supplier<PrintStream> err) {
        this.container = container;
        this.err = err;
    }

    /**
     * Installs the handler as the JVM's default, for the {@code ModuleContainer} service
     * registered in {@code context} now. Without that service nothing is installed.
     *
     * @return whether the handler was installed
     */
    static boolean install(BundleContext context) {
        try {
            ServiceReference<?> reference = context.getServiceReference(CONTAINER);
            Object service = reference == null ? null : context.getService(reference);
            if (service == null) {
                return false;
            }
            Thread.setDefaultUncaughtExceptionHandler(new ModulesLinkedIn(ContainerView.of(service), () -> System.err));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("kmod4j: the oops handler is not installed: " + e);
            return false;
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
        for (String module : container.modulesLinkedIn()) {
            out.append(' ').append(module);
        }
        out.append('\n');
        String taints = container.taints();
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
            String module = container.moduleOf(trace[i].getClassName());
            if (module != null) {
                out.append(" [").append(module).append(']');
            }
            out.append('\n');
        }
        if (inCommon != 0) {
            out.append(indent).append("\t... ").append(inCommon).append(" more\n");
        }
    }

    /**
     * The container as the oops handler needs it, through reflection on the service object's
     * own {@code org.kmod4j.api} interfaces (whichever loader defined them).
     */
    static final class ContainerView {
        private final Object container;
        private final Method modules;
        private final Method taints;
        private final Method findByClassName;
        private final Method name;
        private final Method moduleTaints;

        private ContainerView(Object container, Method modules, Method taints, Method findByClassName, Method name,
                Method moduleTaints) {
            this.container = container;
            this.modules = modules;
            this.taints = taints;
            this.findByClassName = findByClassName;
            this.name = name;
            this.moduleTaints = moduleTaints;
        }

        static ContainerView of(Object container) throws ReflectiveOperationException {
            Class<?> containerType = type(container.getClass(), CONTAINER);
            if (containerType == null) {
                throw new ClassNotFoundException(container.getClass() + " does not implement " + CONTAINER);
            }
            Method findByClassName = containerType.getMethod("findByClassName", String.class);
            // the Module interface of the same API copy as the container's
            Class<?> moduleType = Class.forName(MODULE, false, containerType.getClassLoader());
            return new ContainerView(container, containerType.getMethod("modules"), containerType.getMethod("taints"),
                    findByClassName, moduleType.getMethod("name"), moduleType.getMethod("taints"));
        }

        private static Class<?> type(Class<?> type, String name) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                if (c.getName().equals(name)) {
                    return c;
                }
                for (Class<?> i : c.getInterfaces()) {
                    Class<?> found = type(i, name);
                    if (found != null) {
                        return found;
                    }
                }
            }
            return null;
        }

        /** Every formed module's name in load order, followed by its own taint letters as {@code (RW)}. */
        List<String> modulesLinkedIn() {
            List<String> names = new ArrayList<>();
            for (Object module : (Collection<?>) call(modules, container)) {
                String letters = letters((Collection<?>) call(moduleTaints, module));
                names.add(call(name, module) + (letters.isEmpty() ? "" : "(" + letters + ")"));
            }
            return names;
        }

        /** The container's taint letters in Linux's order, empty if not tainted. */
        String taints() {
            return letters((Collection<?>) call(taints, container));
        }

        /** The name of the module owning this class name, or null. */
        String moduleOf(String className) {
            try {
                Optional<?> module = (Optional<?>) call(findByClassName, container, className);
                return module.isPresent() ? String.valueOf(call(name, module.get())) : null;
            } catch (RuntimeException e) {
                return null;
            }
        }

        private static String letters(Collection<?> taints) {
            List<Enum<?>> sorted = new ArrayList<>();
            for (Object taint : taints) {
                sorted.add((Enum<?>) taint);
            }
            sorted.sort((a, b) -> Integer.compare(a.ordinal(), b.ordinal()));
            StringBuilder letters = new StringBuilder();
            for (Enum<?> taint : sorted) {
                try {
                    letters.append(taint.getDeclaringClass().getMethod("letter").invoke(taint));
                } catch (ReflectiveOperationException e) {
                    letters.append('?');
                }
            }
            return letters.toString();
        }

        private static Object call(Method method, Object target, Object... args) {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException ? (RuntimeException) cause : new IllegalStateException(cause);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
