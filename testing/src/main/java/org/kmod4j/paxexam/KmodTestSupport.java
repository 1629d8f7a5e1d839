package org.kmod4j.paxexam;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.awaitility.Awaitility;
import org.junit.After;
import org.junit.runner.RunWith;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleContainer;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.UnloadOptions;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * A base class for Pax Exam tests of kmod4j modules (as Karaf's KarafTestSupport is for Karaf):
 * one framework per test class with the container and the kmod commands, the
 * {@link ModuleContainer} and {@link BundleContext} injected, every module unloaded after each
 * test, and helpers that read like the shell:
 *
 * <pre>{@code
 * public class MyModuleIT extends KmodTestSupport {
 *     @Test
 *     public void loads() {
 *         Module m = load(jar("my-module.jar"), "repeat=2");
 *         assertEquals(ModuleState.LIVE, m.state());
 *         assertTrue(kmod("lsmod").contains("my_module"));
 *     }
 * }
 * }</pre>
 *
 * <p>Add options for a test class by overriding {@link #options()}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public abstract class KmodTestSupport {
    /** How long {@link #await} waits by default. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected ModuleContainer container;

    /** The framework: {@link KmodPaxExam#kmod4j()}, {@link KmodPaxExam#kmod4jCommands()} and {@link #options()}. */
    @Configuration
    public Option[] config() {
        return OptionUtils.combine(new Option[] {KmodPaxExam.kmod4j(), KmodPaxExam.kmod4jCommands()}, options());
    }

    /** More options for this test class's framework (bundles, properties); none by default. */
    protected Option[] options() {
        return new Option[0];
    }

    /**
     * Unloads what the test left loaded, users before what they use, so the next test starts
     * empty; permanent modules stay (nothing can unload them).
     */
    @After
    public void unloadAllModules() {
        for (int round = 0; round < 3 && !unloadable().isEmpty(); round++) {
            List<Module> modules = unloadable();
            for (int i = modules.size() - 1; i >= 0; i--) {
                try {
                    container.unload(modules.get(i).name(), UnloadOptions.defaults());
                } catch (ModuleException e) {
                    // still held by a module unloaded later in this round: the next round takes it
                }
            }
        }
        if (!unloadable().isEmpty()) {
            throw new AssertionError("modules left loaded after the test: " + unloadable());
        }
    }

    private List<Module> unloadable() {
        List<Module> modules = new ArrayList<>(container.modules());
        modules.removeIf(Module::isPermanent);
        return modules;
    }

    /**
     * A jar file named by a system property (set it in failsafe's {@code systemPropertyVariables}).
     *
     * @throws IllegalStateException if the property is unset or names no file
     */
    public static Path jar(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            throw new IllegalStateException("system property " + property + " is not set (got " + value
                    + "): set it in maven-failsafe-plugin's systemPropertyVariables");
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(property + " = " + value + " is not a file: build it first");
        }
        return path.toAbsolutePath();
    }

    /** Loads a module as {@code insmod FILE name=value ...} does. */
    protected Module load(Path jar, String... parameters) {
        return container.load(jar, LoadOptions.of(parameters(parameters)));
    }

    /**
     * Loads a module that must fail with {@code expected}; returns the exception (its cause is what
     * the module's init threw, with the original class name and frames).
     */
    protected ModuleException loadFails(Errno expected, Path jar, String... parameters) {
        try {
            Module m = load(jar, parameters);
            throw new AssertionError("loaded " + m.name() + ", expected " + expected);
        } catch (ModuleException e) {
            if (e.errno() != expected) {
                throw new AssertionError("expected " + expected + " but got " + e.errno() + ": " + e.getMessage(), e);
            }
            return e;
        }
    }

    /** Unloads modules as {@code rmmod NAME...} does. */
    protected void unload(String... names) {
        for (String name : names) {
            container.unload(name, UnloadOptions.defaults());
        }
    }

    /**
     * Runs a Gogo command line (needs {@link KmodPaxExam#kmod4jCommands()}, in {@link #config()}
     * by default) and returns what it printed.
     *
     * @throws ModuleException if the command failed: the kmod line it printed
     *     ({@code insmod: ERROR: ...}) as the message, its errno, and the original exception as cause
     */
    protected String kmod(String commandLine) {
        ServiceReference<CommandProcessor> ref = bundleContext.getServiceReference(CommandProcessor.class);
        if (ref == null) {
            throw new IllegalStateException("no Gogo CommandProcessor: add KmodPaxExam.kmod4jCommands() to the options");
        }
        CommandProcessor processor = bundleContext.getService(ref);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream pout = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream perr = new PrintStream(err, true, StandardCharsets.UTF_8);
                CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), pout, perr)) {
            Object value = session.execute(commandLine);
            String printed = out.toString(StandardCharsets.UTF_8);
            if (value != null) {
                printed += value instanceof CharSequence ? value : session.format(value, Converter.INSPECT);
            }
            return printed;
        } catch (Exception e) {
            throw commandFailure(commandLine, err.toString(StandardCharsets.UTF_8), e);
        } finally {
            bundleContext.ungetService(ref);
        }
    }

    /** The failure of a command as kmod would print it: the ERROR line it wrote, else one made the same way. */
    private static ModuleException commandFailure(String commandLine, String err, Exception e) {
        String line = Arrays.stream(err.split("\\R")).filter(l -> l.contains(": ERROR: ")).reduce((a, b) -> b)
                .orElse(commandLine.trim().split("\\s+")[0].replaceFirst("^kmod:", "") + ": ERROR: " + e.getMessage());
        Errno errno = e instanceof ModuleException ? ((ModuleException) e).errno() : Errno.EINVAL;
        return new ModuleException(errno, line, e);
    }

    /** Waits, up to {@link #DEFAULT_WAIT}, until {@code condition} holds; fails naming {@code what}. */
    public static void await(String what, Callable<Boolean> condition) {
        await(what, DEFAULT_WAIT, condition);
    }

    /** Waits, up to {@code timeout}, until {@code condition} holds; fails naming {@code what}. */
    public static void await(String what, Duration timeout, Callable<Boolean> condition) {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(20)).until(condition);
    }

    private static Map<String, String> parameters(String... nameValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String nv : nameValues) {
            int eq = nv.indexOf('=');
            map.put(eq < 0 ? nv : nv.substring(0, eq), eq < 0 ? "" : nv.substring(eq + 1));
        }
        return map;
    }
}
