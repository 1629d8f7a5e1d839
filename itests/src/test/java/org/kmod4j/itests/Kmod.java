package org.kmod4j.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;

/** In-framework helpers for the itests: Gogo commands, failure capture, "no trace" snapshots. */
public final class Kmod {

    /** kmod's lsmod header line. */
    public static final String LSMOD_HEADER = "Module                  Size  Used by";

    private Kmod() {
    }

    // ---- Gogo ---------------------------------------------------------------------------

    /** What one Gogo command line did. */
    public static final class CommandResult {
        public final String line;
        public final String out;
        public final String err;
        public final Object value;
        public final Exception failure;

        CommandResult(String line, String out, String err, Object value, Exception failure) {
            this.line = line;
            this.out = out;
            this.err = err;
            this.value = value;
            this.failure = failure;
        }

        @Override
        public String toString() {
            return "`" + line + "`: out=[" + out + "] err=[" + err + "] value=" + value + " failure=" + failure;
        }
    }

    /** Runs one command line in a fresh session, capturing its output streams and any failure. */
    public static CommandResult run(CommandProcessor processor, String line) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream pout = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream perr = new PrintStream(err, true, StandardCharsets.UTF_8);
        Object value = null;
        Exception failure = null;
        String formatted = "";
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), pout, perr)) {
            try {
                value = session.execute(line);
                if (value != null) {
                    formatted = value instanceof CharSequence ? value.toString()
                            : String.valueOf(session.format(value, Converter.INSPECT));
                }
            } catch (Exception e) {
                failure = e;
            }
        }
        pout.flush();
        perr.flush();
        return new CommandResult(line, out.toString(StandardCharsets.UTF_8) + formatted,
                err.toString(StandardCharsets.UTF_8), value, failure);
    }

    /** Runs a command that must succeed; returns what it printed (and returned). */
    public static String ok(CommandProcessor processor, String line) {
        CommandResult r = run(processor, line);
        if (r.failure != null) {
            throw new AssertionError("command failed: " + r, r.failure);
        }
        return r.out;
    }

    /** The output of {@code kmod:lsmod}. */
    public static String lsmod(CommandProcessor processor) {
        return ok(processor, "kmod:lsmod");
    }

    /** The lsmod row of a module, or null. */
    public static String lsmodRow(String lsmod, String name) {
        for (String row : lsmod.split("\\R")) {
            String[] cols = row.trim().split("\\s+");
            if (cols.length > 0 && cols[0].equals(name)) {
                return row;
            }
        }
        return null;
    }

    // ---- failures ---------------------------------------------------------------------------

    /** Runs {@code action}, which must fail with a ModuleException; returns it. */
    public static ModuleException failure(Runnable action) {
        try {
            action.run();
        } catch (ModuleException e) {
            return e;
        }
        fail("expected a ModuleException");
        throw new AssertionError();
    }

    /** Runs {@code action}, which must fail with a ModuleException with this errno; returns it. */
    public static ModuleException failure(Errno expected, Runnable action) {
        ModuleException e = failure(action);
        if (e.errno() != expected) {
            AssertionError error = new AssertionError("expected errno " + expected + " but got " + e.errno()
                    + ": " + e.getMessage());
            error.initCause(e);
            throw error;
        }
        assertNotNull("a ModuleException must carry a message", e.getMessage());
        return e;
    }

    // ---- trace of the test modules ---------------------------------------------------------

    /** Events a test module recorded (system property kmod4j.itest.&lt;module&gt;), "" if none. */
    public static String trace(String module) {
        return System.getProperty("kmod4j.itest." + module, "");
    }

    public static void clearTrace(String... modules) {
        for (String module : modules) {
            System.clearProperty("kmod4j.itest." + module);
        }
    }

    // ---- services ---------------------------------------------------------------------------

    /** Services a test module registered ({@code kmod4j.testmodule=<name>}). */
    public static List<ServiceReference<?>> servicesOf(BundleContext context, String module) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(null, "(kmod4j.testmodule=" + module + ")");
            return refs == null ? List.of() : Arrays.asList(refs);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }


    public static List<String> names(ModuleContainer container) {
        return container.modules().stream().map(Module::name).collect(Collectors.toList());
    }

    // ---- "no trace" snapshot ---------------------------------------------------------------

    /**
     * Everything a failed operation must leave as it was: the registry (modules in order with state
     * and bundle), the container's taints, lsmod's output, the framework's bundles (id, name,
     * state), bundles pending removal, and every registered service.
     */
    public static String snapshot(BundleContext context, ModuleContainer container, CommandProcessor processor) {
        StringBuilder sb = new StringBuilder();
        sb.append("modules:\n");
        for (Module m : container.modules()) {
            sb.append("  ").append(m.name()).append(' ').append(m.state()).append(" bundle=")
                    .append(m.bundle().getBundleId()).append(" refcount=").append(m.refcount())
                    .append(" holders=").append(m.holders()).append(" uses=").append(m.uses())
                    .append(" params=").append(m.parameters()).append('\n');
        }
        sb.append("taints: ").append(container.taints()).append('\n');
        if (processor != null) {
            sb.append("lsmod:\n").append(lsmod(processor)).append('\n');
        }
        sb.append("bundles:\n");
        for (Bundle b : context.getBundles()) {
            sb.append("  ").append(b.getBundleId()).append(' ').append(b.getSymbolicName()).append(' ')
                    .append(b.getVersion()).append(' ').append(stateName(b.getState())).append('\n');
        }
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        sb.append("removal pending: ").append(wiring.getRemovalPendingBundles().stream()
                .map(b -> b.getBundleId() + " " + b.getSymbolicName()).sorted().collect(Collectors.toList()))
                .append('\n');
        sb.append("services:\n");
        TreeSet<Long> ids = new TreeSet<>();
        StringBuilder services = new StringBuilder();
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(null, null);
            if (refs != null) {
                for (ServiceReference<?> ref : refs) {
                    ids.add((Long) ref.getProperty("service.id"));
                }
                for (Long id : ids) {
                    for (ServiceReference<?> ref : refs) {
                        if (id.equals(ref.getProperty("service.id"))) {
                            services.append("  ").append(id).append(' ')
                                    .append(Arrays.toString((String[]) ref.getProperty("objectClass")))
                                    .append(" from ").append(ref.getBundle() == null ? "-" : ref.getBundle().getBundleId())
                                    .append('\n');
                        }
                    }
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        sb.append(services);
        return sb.toString();
    }

    /** Asserts that the container, lsmod and the framework look exactly as in {@code before}. */
    public static void assertNoTrace(String what, String before, BundleContext context, ModuleContainer container,
            CommandProcessor processor) {
        assertEquals(what + " must leave no trace", before, snapshot(context, container, processor));
    }

    public static String stateName(int state) {
        switch (state) {
            case Bundle.UNINSTALLED: return "UNINSTALLED";
            case Bundle.INSTALLED: return "INSTALLED";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            case Bundle.ACTIVE: return "ACTIVE";
            default: return "state" + state;
        }
    }

    /** Whether the framework still knows a bundle with this id. */
    public static boolean frameworkHas(BundleContext context, long bundleId) {
        for (Bundle b : context.getBundles()) {
            if (b.getBundleId() == bundleId) {
                return true;
            }
        }
        return false;
    }
}
