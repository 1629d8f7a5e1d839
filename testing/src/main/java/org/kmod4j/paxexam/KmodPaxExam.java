package org.kmod4j.paxexam;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.ops4j.pax.exam.Option;

/**
 * Pax Exam options that provision kmod4j into the test framework, for tests of kmod4j modules:
 *
 * <pre>{@code
 * @RunWith(PaxExam.class)
 * public class MyModuleIT {
 *     @Inject ModuleContainer container;
 *
 *     @Configuration
 *     public Option[] config() {
 *         return new Option[] {KmodPaxExam.kmod4j()};
 *     }
 *
 *     @Test
 *     public void loadsAndUnloads() {
 *         Module m = container.load(Path.of("target/my-module.jar"), LoadOptions.defaults());
 *         assertEquals(ModuleState.LIVE, m.state());
 *         container.unload(m.name(), UnloadOptions.defaults());
 *     }
 * }
 * }</pre>
 *
 * <p>Use these options from {@code @Configuration} methods (host side). Where the bundles come
 * from: by default from Maven, as {@code mvn:} URLs with the versions this artifact was built
 * with ({@value #VERSIONS_RESOURCE}); pax-url-aether resolves them from the local repository or
 * Maven Central. A system property {@code kmod4j.jar.<key>} naming a jar file overrides one
 * ({@code kmod4j.jar.container}, {@code kmod4j.jar.commands}, {@code kmod4j.jar.gogo.runtime},
 * {@code kmod4j.jar.paxexam}, {@code kmod4j.jar.awaitility}, {@code kmod4j.jar.hamcrest}):
 * kmod4j's own integration tests pass the jars the reactor just built that way, so they run
 * without {@code mvn install}.
 *
 * <p>Load modules with {@code ModuleContainer.load}, not with Pax Exam's provisioning: a bundle
 * installed behind the container's back is a plain bundle, not a module.
 */
public final class KmodPaxExam {

    /** The classpath resource with the versions baked in at build time. */
    public static final String VERSIONS_RESOURCE = "/org/kmod4j/paxexam/kmod4j-paxexam.properties";

    /** System property: where fresh state directories go (default {@code target/kmod4j-paxexam}). */
    public static final String STATE_BASE_PROPERTY = "kmod4j.paxexam.dir";

    private static final Properties VERSIONS = loadVersions();

    private KmodPaxExam() {
    }

    /**
     * The kmod4j container as a framework extension bundle (installed, never started: the framework
     * activates extensions itself; it registers the {@code org.kmod4j.api.ModuleContainer} service
     * and exports {@code org.kmod4j.api} from the system bundle), a fresh {@code kmod4j.state.dir}
     * for this framework, the JUnit bundles Pax Exam's probe needs ({@code junitBundles()}), this
     * artifact as a bundle with Awaitility (for {@link KmodTestSupport}), and quiet logging
     * (warnings and errors only; see {@code simplelogger.properties}).
     */
    public static Option kmod4j() {
        return kmod4j(freshStateDir());
    }

    /** {@link #kmod4j()} with a state directory of your choice (the container locks it). */
    public static Option kmod4j(Path stateDir) {
        return composite(
                bundle(location("container", mavenUrl(groupId(), "kmod4j-container", version()))).noStart(),
                frameworkProperty("kmod4j.state.dir").value(stateDir.toAbsolutePath().toString()),
                junitBundles(),
                bundle(location("hamcrest", mavenUrl("org.hamcrest", "hamcrest", property("hamcrest.version")))),
                bundle(location("awaitility", mavenUrl("org.awaitility", "awaitility", property("awaitility.version")))),
                bundle(location("paxexam", mavenUrl(groupId(), "kmod4j-paxexam", version()))),
                // Pax Exam's in-framework log service: warnings only, not a DEBUG line per bundle event
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
    }

    /**
     * The Gogo runtime and the kmod commands ({@code kmod:lsmod}, {@code insmod}, {@code rmmod},
     * {@code modinfo}, ...), for tests that run shell commands through the
     * {@code org.apache.felix.service.command.CommandProcessor} service. Add it next to
     * {@link #kmod4j()}. The Gogo runtime is a dependency of this artifact, so the test class path
     * has it already; {@link KmodTestSupport#kmod(String)} runs a command line.
     */
    public static Option kmod4jCommands() {
        return composite(
                bundle(location("gogo.runtime",
                        mavenUrl("org.apache.felix", "org.apache.felix.gogo.runtime", property("gogo.runtime.version")))),
                bundle(location("commands", mavenUrl(groupId(), "kmod4j-commands", version()))));
    }

    /** The kmod4j version this artifact was built with (the version of the bundles it provisions). */
    public static String version() {
        return property("version");
    }

    /**
     * Where the bundle {@code key} comes from: the file named by system property
     * {@code kmod4j.jar.<key>} if set, else {@code defaultUrl}.
     *
     * @throws IllegalStateException if the property is set but names no file
     */
    public static String location(String key, String defaultUrl) {
        String value = System.getProperty("kmod4j.jar." + key);
        if (value == null || value.isBlank()) {
            return defaultUrl;
        }
        if (value.startsWith("${")) {
            throw new IllegalStateException("system property kmod4j.jar." + key + " is an unresolved Maven property: "
                    + value);
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("kmod4j.jar." + key + " = " + value + " is not a file: build it first");
        }
        return path.toAbsolutePath().toUri().toString();
    }

    /**
     * A new empty directory under system property {@value #STATE_BASE_PROPERTY}, else under
     * {@code target/kmod4j-paxexam} when the working directory has a {@code target} (Maven), else
     * under the temporary directory.
     */
    public static Path freshStateDir() {
        try {
            String configured = System.getProperty(STATE_BASE_PROPERTY);
            Path base;
            if (configured != null && !configured.isBlank()) {
                base = Path.of(configured);
            } else if (Files.isDirectory(Path.of("target"))) {
                base = Path.of("target", "kmod4j-paxexam");
            } else {
                base = Path.of(System.getProperty("java.io.tmpdir"), "kmod4j-paxexam");
            }
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "state-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String mavenUrl(String groupId, String artifactId, String version) {
        return "mvn:" + groupId + "/" + artifactId + "/" + version;
    }

    private static String groupId() {
        return property("groupId");
    }

    private static String property(String name) {
        String value = VERSIONS.getProperty(name);
        if (value == null || value.startsWith("${")) {
            throw new IllegalStateException(VERSIONS_RESOURCE + " has no value for " + name + " (got " + value
                    + "): the kmod4j-paxexam jar was not built by Maven with resource filtering");
        }
        return value;
    }

    private static Properties loadVersions() {
        Properties p = new Properties();
        try (InputStream in = KmodPaxExam.class.getResourceAsStream(VERSIONS_RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
