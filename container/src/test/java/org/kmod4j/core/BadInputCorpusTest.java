package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.After;
import org.junit.Assume;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.kmod4j.api.Errno;
import org.kmod4j.api.LoadOptions;
import org.kmod4j.api.ModuleContext;
import org.kmod4j.api.ModuleException;
import org.kmod4j.api.ModuleInit;
import org.kmod4j.api.ModuleState;
import org.kmod4j.api.Taint;
import org.kmod4j.api.UnloadOptions;

/**
 * The bad-input corpus: every case is generated here (jars written, truncated, bombed, headers
 * broken, inits that throw or hang, notifiers that throw) and loaded next to a bystander module.
 * Each must fail with its exact errno and kmod's words naming the file, or (for faults the
 * container reports and survives: an exit or notifier that throws, a bomb nobody reads) load and
 * unload cleanly; afterwards the container's state ({@link #state()}: modules, states, refs,
 * holders, parameters, installed bundles, taints) is exactly as before, except for the taint a
 * reported fault documents (W for an abandoned init or a throwing exit).
 */
@RunWith(Parameterized.class)
public class BadInputCorpusTest extends KernelTestBase {

    /** The name every corpus module loads under (where it gets that far). */
    static final String VICTIM = "victim";
    /** 1 GiB of zeros, about 1 MiB deflated. */
    static final long BOMB_BYTES = 1L << 30;

    @ClassRule
    public static TemporaryFolder shared = new TemporaryFolder();
    private static Path bomb;
    private static Path lyingBomb;

    /** Released after each case: unblocks an init or a reader the case left hanging. */
    static volatile CountDownLatch release = new CountDownLatch(1);

    private final Case c;
    private final List<String> notified = new CopyOnWriteArrayList<>();

    public BadInputCorpusTest(String name, Case c) {
        this.c = c;
    }

    /** How the kernel is set up for a case (ENFORCE_CA: enforcing, the trust store holds {@link Pki#CA}). */
    enum Policy { NONE, CHECK, ENFORCE, ENFORCE_CA }

    /** Keys for the signature cases, made once at test time. */
    static final class Pki {
        static final TestPki.Identity CA;
        static final TestPki.Identity SIGNER;

        static {
            try {
                CA = TestPki.selfSigned(TestPki.spec("CN=kmod4j corpus CA").ca());
                SIGNER = TestPki.issue(CA, TestPki.spec("CN=kmod4j corpus signer"));
            } catch (Exception e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private Pki() {
        }

        /**
         * The victim jar signed by a new key certified as {@code spec} says by the CA, or by a
         * look-alike of it (same name, its own key); the jar's chain ends with the real CA's certificate.
         */
        static JarMaker signed(TestPki.Spec spec, boolean forgedIssuer) {
            return t -> {
                TestPki.Identity issuer = forgedIssuer ? TestPki.selfSigned(TestPki.spec("CN=kmod4j corpus CA").ca()) : CA;
                return TestPki.sign(t.jars.module(VICTIM), TestPki.issue(issuer, spec), CA.cert());
            };
        }
    }

    interface JarMaker {
        Path make(BadInputCorpusTest t) throws Exception;
    }

    interface Arm {
        void arm(BadInputCorpusTest t) throws Exception;
    }

    /** One corpus entry. {@code errno == null}: the load must succeed and the unload too. */
    static final class Case {
        final Errno errno;
        final String words;
        final JarMaker jar;
        Map<String, String> params = Map.of();
        Policy policy = Policy.NONE;
        Arm arm = t -> { };
        /** Taints the case is documented to add (none by default). */
        Taint[] taints = new Taint[0];
        long maxMillis = 10_000;
        /** Bytes the loading thread may allocate (zip bombs: far less than what they inflate to). */
        long maxAllocated = Long.MAX_VALUE;
        /** The message comes from the in-memory test host, not from the container. */
        boolean hostWording;

        Case(Errno errno, String words, JarMaker jar) {
            this.errno = errno;
            this.words = words;
            this.jar = jar;
        }

        Case params(String... kv) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < kv.length; i += 2) {
                m.put(kv[i], kv[i + 1]);
            }
            params = m;
            return this;
        }

        Case policy(Policy p) {
            policy = p;
            return this;
        }

        Case arm(Arm a) {
            arm = a;
            return this;
        }

        Case hostWording() {
            hostWording = true;
            return this;
        }

        Case taints(Taint... t) {
            taints = t;
            return this;
        }

        Case bounded(long millis, long allocated) {
            maxMillis = millis;
            maxAllocated = allocated;
            return this;
        }
    }

    private static final List<Object[]> CASES = new ArrayList<>();

    private static void add(String name, Case c) {
        CASES.add(new Object[] {name, c});
    }

    /** A module jar for {@link #VICTIM} with these headers changed (null removes one). */
    private static JarMaker victim(String... headers) {
        return t -> t.jars.module(VICTIM, headers);
    }

    private static JarMaker victimWithParams(String decl) {
        return victim("Module-Parameters", decl);
    }

    private static final String ALL_TYPES = "s;type=string, b;type=bool, by;type=byte, sh;type=short, us;type=ushort,"
            + " i;type=int, ui;type=uint, l;type=long, ul;type=ulong, d;type=double";

    @Parameters(name = "{index}: {0}")
    public static Collection<Object[]> corpus() {
        CASES.clear();
        // ---- files that are no module jar at all ------------------------------------------------
        add("text file", new Case(Errno.ENOEXEC, "Invalid module format", t -> t.jars.file("hostname", "myhost\n".getBytes())));
        add("empty file", new Case(Errno.ENOEXEC, "Invalid module format", t -> t.jars.file("empty.jar", new byte[0])));
        add("random bytes", new Case(Errno.ENOEXEC, "Invalid module format", t -> t.jars.file("random.jar", random(4096))));
        add("jar truncated to half", new Case(Errno.ENOEXEC, "Invalid module format", t -> truncated(t.jars.module(VICTIM), 0.5)));
        add("jar without its last 10 bytes (end header)", new Case(Errno.ENOEXEC, "Invalid module format",
                t -> truncatedBy(t.jars.module(VICTIM), 10)));
        add("zip whose central directory points past the end", new Case(Errno.ENOEXEC, "Invalid module format",
                t -> badCentralDirectoryOffset(t.jars.module(VICTIM))));
        add("a directory", new Case(Errno.ENOEXEC, "Invalid module format (a directory)", t -> t.tmp.newFolder("dir.jar").toPath()));
        add("missing file", new Case(Errno.ENOENT, "No such file or directory", t -> t.tmp.getRoot().toPath().resolve("nosuch.jar")));
        add("dangling symlink", new Case(Errno.ENOENT, "No such file or directory",
                t -> Files.createSymbolicLink(t.tmp.getRoot().toPath().resolve("dangling.jar"), Path.of("/nonexistent/target.jar"))));
        add("path through a regular file (ENOTDIR)", new Case(Errno.EIO, "Not a directory",
                t -> t.jars.module("plain").resolve("x.jar")));
        // read once into a private copy at the start: the user's file may go (or change) afterwards
        add("file that vanishes during the load", new Case(null, "victim: loaded", victim())
                .arm(t -> t.host.onInstall = () -> deleteAll(t.tmp.getRoot().toPath(), VICTIM)));
        add("unreadable file (chmod 000; not as root)", new Case(Errno.EACCES, "Permission denied", t -> {
            Assume.assumeFalse("running as root: permission checks are bypassed", isRoot());
            Path p = t.jars.module(VICTIM);
            Files.setPosixFilePermissions(p, java.util.Set.of());
            return p;
        }));
        add("a FIFO (reads would block forever)", new Case(Errno.ENOEXEC, "Invalid module format", t -> fifo(t))
                .bounded(2_000, Long.MAX_VALUE));
        // ---- zip bombs ---------------------------------------------------------------------------
        add("zip bomb, no signature policy: nothing inflates it", new Case(null, "victim: loaded", t -> bomb(false))
                .bounded(5_000, 64L << 20));
        add("zip bomb, signature check: bounded read", new Case(Errno.EFBIG, "File too large", t -> bomb(false))
                .policy(Policy.CHECK).bounded(10_000, 64L << 20));
        add("zip bomb lying about its size, enforcing", new Case(Errno.EFBIG, "File too large", t -> bomb(true))
                .policy(Policy.ENFORCE).bounded(10_000, 64L << 20));
        add("manifest bomb lying about its size", new Case(Errno.ENOEXEC, "more than 1048576 bytes",
                t -> manifestBomb(t, true)).bounded(5_000, 32L << 20));
        add("huge manifest (2 MiB)", new Case(Errno.ENOEXEC, "manifest larger than 1048576 bytes", t -> manifestBomb(t, false))
                .bounded(5_000, 32L << 20));
        // ---- signer chains under sig_enforce (PKIX against a trust store with one CA) -------------------
        String notTrusted = "Key was rejected by service (signer not trusted: ";
        add("signed by a forged look-alike CA, the real CA certificate in the chain", new Case(Errno.EKEYREJECTED,
                notTrusted + "no valid certificate path", Pki.signed(TestPki.spec("CN=attacker"), true)).policy(Policy.ENFORCE_CA));
        add("signer certificate expired", new Case(Errno.EKEYREJECTED, notTrusted + "certificate expired",
                Pki.signed(TestPki.spec("CN=expired").valid(java.time.Duration.ofDays(-10), java.time.Duration.ofDays(5)), false))
                .policy(Policy.ENFORCE_CA));
        add("signer certificate not yet valid", new Case(Errno.EKEYREJECTED, notTrusted + "certificate not yet valid",
                Pki.signed(TestPki.spec("CN=early").valid(java.time.Duration.ofDays(5), java.time.Duration.ofDays(5)), false))
                .policy(Policy.ENFORCE_CA));
        add("signer key for TLS servers only (extended key usage serverAuth)", new Case(Errno.EKEYREJECTED,
                notTrusted + "certificate extended key usage [1.3.6.1.5.5.7.3.1] does not allow codeSigning",
                Pki.signed(TestPki.spec("CN=tls").eku(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth), false))
                .policy(Policy.ENFORCE_CA));
        add("untrusted self-signed key", new Case(Errno.EKEYREJECTED, notTrusted + "no valid certificate path",
                t -> TestPki.sign(t.jars.module(VICTIM), TestPki.selfSigned(TestPki.spec("CN=kmod4j corpus signer")))).policy(Policy.ENFORCE_CA));
        add("unsigned, enforcing", new Case(Errno.EKEYREJECTED, "Key was rejected by service (unsigned)", victim()).policy(Policy.ENFORCE_CA));
        add("signed by the trusted CA's signer", new Case(null, "victim: loaded",
                t -> TestPki.sign(t.jars.module(VICTIM), Pki.SIGNER, Pki.CA.cert())).policy(Policy.ENFORCE_CA));
        // ---- manifests -----------------------------------------------------------------------------
        add("no manifest", new Case(Errno.ENOEXEC, "no META-INF/MANIFEST.MF", t -> zipWithoutManifest(t)));
        add("manifest line too long", new Case(Errno.ENOEXEC, "Invalid module format", t -> rawManifest(t,
                "Manifest-Version: 1.0\nBundle-SymbolicName: " + "x".repeat(600) + "\n\n")));
        add("manifest header without a colon", new Case(Errno.ENOEXEC, "Invalid module format", t -> rawManifest(t,
                "Manifest-Version: 1.0\nBundle-SymbolicName: victim\nthis line has no colon\n\n")));
        add("no Bundle-SymbolicName", new Case(Errno.ENOEXEC, "no Bundle-SymbolicName", victim("Bundle-SymbolicName", null)));
        add("blank Bundle-SymbolicName", new Case(Errno.ENOEXEC, "no Bundle-SymbolicName", victim("Bundle-SymbolicName", "   ")));
        add("two symbolic names", new Case(Errno.ENOEXEC, "Bundle-SymbolicName must have exactly one name",
                victim("Bundle-SymbolicName", "a, b")));
        add("Bundle-SymbolicName unterminated quote", new Case(Errno.ENOEXEC, "malformed Bundle-SymbolicName header",
                victim("Bundle-SymbolicName", "a;singleton:=\"true")));
        add("Bundle-SymbolicName with a path, no Module-Name", new Case(Errno.ENOEXEC, "invalid module name '../x'",
                victim("Bundle-SymbolicName", "../x", "Module-Name", null)));
        add("invalid Bundle-Version", new Case(Errno.ENOEXEC, "invalid Bundle-Version", victim("Bundle-Version", "1.2.3.4.5")));
        // ---- names ---------------------------------------------------------------------------------
        add("name ../x", new Case(Errno.ENOEXEC, "invalid module name '../x'", victim("Module-Name", "../x")));
        add("name a/b", new Case(Errno.ENOEXEC, "invalid module name 'a/b'", victim("Module-Name", "a/b")));
        add("name a\\b", new Case(Errno.ENOEXEC, "invalid module name", victim("Module-Name", "a\\b")));
        add("empty name", new Case(Errno.ENOEXEC, "invalid module name ''", victim("Module-Name", "")));
        add("name with a space", new Case(Errno.ENOEXEC, "invalid module name 'a b'", victim("Module-Name", "a b")));
        add("name of 256 characters", new Case(Errno.ENOEXEC, "use 1-255", victim("Module-Name", "n".repeat(256))));
        add("unicode name", new Case(Errno.ENOEXEC, "invalid module name 'm\u00f6dul\u00e9_\u043c\u043e\u0434'",
                victim("Module-Name", "m\u00f6dul\u00e9_\u043c\u043e\u0434")));
        add("name with shell metacharacters", new Case(Errno.ENOEXEC, "invalid module name", victim("Module-Name", "x;rm -rf $HOME")));
        add("duplicate name (already LIVE)", new Case(Errno.EEXIST, "module present is already loaded",
                t -> t.jars.module("present", "Bundle-Version", "2.0.0")));
        // ---- Module-* header syntax ----------------------------------------------------------------
        add("Module-Init not a class name", new Case(Errno.ENOEXEC, "invalid Module-Init class name", victim("Module-Init", "not a class!")));
        add("Module-Init with an empty segment", new Case(Errno.ENOEXEC, "invalid Module-Init class name", victim("Module-Init", "a..B")));
        add("Module-Parameters unterminated quote", new Case(Errno.ENOEXEC, "malformed Module-Parameters header: unterminated",
                victimWithParams("a;type=\"int")));
        add("Module-Parameters empty clause", new Case(Errno.ENOEXEC, "malformed Module-Parameters header: empty clause",
                victimWithParams("a;type=int,,b")));
        add("Module-Parameters attribute without =", new Case(Errno.ENOEXEC, "expected '=' after 'type'", victimWithParams("a;type")));
        add("Module-Parameters duplicate attribute", new Case(Errno.ENOEXEC, "duplicate attribute 'type'",
                victimWithParams("a;type=int;type=bool")));
        add("Module-Parameters parameter declared twice", new Case(Errno.ENOEXEC, "parameter 'a' declared twice",
                victimWithParams("a;type=int, a;type=bool")));
        add("Module-Parameters dotted name", new Case(Errno.ENOEXEC, "invalid parameter name 'a.b'", victimWithParams("a.b;type=int")));
        add("Module-Parameters unknown type", new Case(Errno.ENOEXEC, "unknown parameter type 'complex'", victimWithParams("a;type=complex")));
        add("Module-Parameters default out of range", new Case(Errno.ENOEXEC, "default of parameter 'a'",
                victimWithParams("a;type=byte;default=256")));
        add("Module-Alias empty clause", new Case(Errno.ENOEXEC, "malformed alias header: empty clause", victim("Module-Alias", "a,,b")));
        add("Module-Alias unterminated quote", new Case(Errno.ENOEXEC, "malformed alias header", victim("Module-Alias", "a;x=\"b")));
        add("Module-Softdep name before pre:/post:", new Case(Errno.ENOEXEC, "Module-Softdep 'a pre: b': 'a' before pre: or post:",
                victim("Module-Softdep", "a pre: b")));
        add("Module-Softdep invalid name", new Case(Errno.ENOEXEC, "Module-Softdep 'pre: a/b': invalid module name 'a/b'",
                victim("Module-Softdep", "pre: a/b")));
        add("Module-Permanent not a boolean", new Case(Errno.ENOEXEC, "invalid Module-Permanent value 'maybe'", victim("Module-Permanent", "maybe")));
        // ---- parameters given at load ------------------------------------------------------------
        add("unknown parameter, none declared", new Case(Errno.EINVAL, "Invalid parameters (victim: unknown parameter 'x' (the module declares none))",
                victim()).params("x", "1"));
        add("unknown parameter", new Case(Errno.EINVAL, "unknown parameter 'colour' (known: s, b, by", victimWithParams(ALL_TYPES))
                .params("colour", "red"));
        String[][] bad = {
            {"b", "maybe", "not a bool"}, {"b", "", "not a bool"},
            {"by", "256", "out of range for byte [0, 255]"}, {"by", "-1", "out of range for byte"}, {"by", "0x10", "not an integer"},
            {"sh", "32768", "out of range for short"}, {"sh", "-32769", "out of range for short"},
            {"us", "65536", "out of range for ushort"}, {"us", "-1", "out of range for ushort"},
            {"i", "2147483648", "out of range for int"}, {"i", "1.5", "not an integer"}, {"i", "", "not an integer"},
            {"ui", "4294967296", "out of range for uint"}, {"ui", "-1", "out of range for uint"},
            {"l", "9223372036854775808", "out of range for long"}, {"l", "ten", "not an integer"},
            {"ul", "18446744073709551616", "out of range for ulong"}, {"ul", "-1", "out of range for ulong"},
            {"d", "NaN", "not a finite number"}, {"d", "Infinity", "not a finite number"}, {"d", "1,5", "not a number"},
        };
        for (String[] b : bad) {
            add("parameter " + b[0] + "=" + b[1], new Case(Errno.EINVAL, "parameter '" + b[0] + "' (", victimWithParams(ALL_TYPES))
                    .params(b[0], b[1]).arm(t -> t.expectWords = b[2]));
        }
        // ---- Module-Init classes -------------------------------------------------------------------
        add("Module-Init class does not exist", new Case(Errno.ENOEXEC, "Module-Init class org.kmod4j.core.NoSuchInit not found",
                victim("Module-Init", "org.kmod4j.core.NoSuchInit")));
        add("Module-Init of the wrong type", new Case(Errno.ENOEXEC, "does not implement org.kmod4j.api.ModuleInit",
                victim("Module-Init", TestModules.NotAnInit.class.getName())));
        add("Module-Init without a public no-arg constructor", new Case(Errno.ENOEXEC, "cannot be instantiated",
                victim("Module-Init", NoDefaultConstructor.class.getName())));
        add("Module-Init abstract", new Case(Errno.ENOEXEC, "cannot be instantiated", victim("Module-Init", AbstractInit.class.getName())));
        add("Module-Init constructor throws", new Case(Errno.EIO, "init failed: java.lang.IllegalStateException: constructor says no",
                victim("Module-Init", ThrowingConstructor.class.getName())));
        add("Module-Init static initializer throws", new Case(Errno.ENOEXEC, "ExceptionInInitializerError",
                victim("Module-Init", ThrowingStaticInit.class.getName())));
        // ---- inits that fail -------------------------------------------------------------------------
        for (Errno e : new Errno[] {Errno.EPERM, Errno.ENODEV, Errno.EINVAL, Errno.EBUSY, Errno.EAGAIN, Errno.ENOMEM}) {
            add("init throws ModuleException " + e, new Case(e, "init failed: no " + e, victim())
                    .arm(t -> TestModules.INIT.put(VICTIM, ctx -> {
                        throw new ModuleException(e, "no " + e);
                    })));
        }
        add("init throws RuntimeException", new Case(Errno.EIO, "init failed: java.lang.IllegalArgumentException: boom", victim())
                .arm(t -> TestModules.INIT.put(VICTIM, ctx -> {
                    throw new IllegalArgumentException("boom");
                })));
        add("init throws a checked exception", new Case(Errno.EIO, "init failed: java.io.IOException: disk", victim())
                .arm(t -> TestModules.INIT.put(VICTIM, ctx -> {
                    throw new IOException("disk");
                })));
        add("init throws an Error", new Case(Errno.EIO, "init failed: java.lang.StackOverflowError", victim())
                .arm(t -> TestModules.INIT.put(VICTIM, ctx -> {
                    throw new StackOverflowError();
                })));
        add("init hangs (timeout 200 ms)", new Case(Errno.ETIMEDOUT, "Connection timed out (init did not finish in 200 ms)", victim())
                .taints(Taint.WARN).arm(t -> {
                    t.kernel.initTimeout(200);
                    TestModules.INIT.put(VICTIM, ctx -> release.await());
                }));
        add("init hangs ignoring interrupts (timeout 200 ms)", new Case(Errno.ETIMEDOUT, "init did not finish in 200 ms", victim())
                .taints(Taint.WARN).arm(t -> {
                    t.kernel.initTimeout(200);
                    TestModules.INIT.put(VICTIM, ctx -> {
                        while (release.getCount() > 0) {
                            try {
                                release.await();
                            } catch (InterruptedException ignored) {
                                // a hostile init
                            }
                        }
                    });
                }));
        // ---- faults reported and survived ------------------------------------------------------------
        add("exit throws: unload goes on", new Case(null, "victim: exit threw java.lang.IllegalStateException: exit says no", victim())
                .taints(Taint.WARN).arm(t -> TestModules.EXIT.put(VICTIM, ctx -> {
                    throw new IllegalStateException("exit says no");
                })));
        for (ModuleState s : new ModuleState[] {ModuleState.COMING, ModuleState.LIVE, ModuleState.GOING}) {
            add("notifier throws RuntimeException on " + s, new Case(null, "threw on " + s + " of victim", victim())
                    .arm(t -> t.kernel.notifiers().register((event, mod) -> {
                        t.notified.add(event + " " + mod.name());
                        if (event == s && mod.name().equals(VICTIM)) {
                            throw new IllegalStateException("notifier fails on " + s);
                        }
                    }, 0)));
        }
        add("notifier vetoes COMING with EPERM", new Case(Errno.EPERM, "vetoed: not this one", victim())
                .arm(t -> t.kernel.notifiers().register((event, mod) -> {
                    if (event == ModuleState.COMING && mod.name().equals(VICTIM)) {
                        throw new ModuleException(Errno.EPERM, "not this one");
                    }
                }, 0)));
        add("notifier throws an Error on COMING", new Case(null, "threw on COMING of victim: java.lang.LinkageError", victim())
                .arm(t -> t.kernel.notifiers().register((event, mod) -> {
                    if (event == ModuleState.COMING && mod.name().equals(VICTIM)) {
                        throw new LinkageError("notifier linkage");
                    }
                }, 0)));
        return CASES;
    }

    /** For the parameter cases: the detail after the code (set by the case's arm). */
    String expectWords;

    @After
    public void releaseHangs() {
        release.countDown();
        release = new CountDownLatch(1);
    }

    @Test
    public void failsWithItsErrnoAndLeavesNoTrace() throws Exception {
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        if (c.policy == Policy.ENFORCE_CA) {
            kernel = new Kernel(host, executor, log, new SignaturePolicy(TestPki.trustStore(Pki.CA.cert()), true,
                    SignaturePolicy.DEFAULT_MAX_BYTES));
            kernel.load(TestPki.sign(jars.module("present"), Pki.SIGNER), null); // a signed bystander
        } else if (c.policy != Policy.NONE) {
            kernel = new Kernel(host, executor, log, new SignaturePolicy(empty, c.policy == Policy.ENFORCE,
                    SignaturePolicy.DEFAULT_MAX_BYTES));
        }
        if (c.policy == Policy.NONE || c.policy == Policy.CHECK) {
            kernel.load(jars.module("present"), null); // a bystander: "unchanged" is not "empty"
        }
        Path copies = tmp.getRoot().toPath().resolve("private-copies");
        kernel.privateCopies(copies);
        c.arm.arm(this);
        String before = state();
        Path jar = c.jar.make(this);
        LoadOptions options = LoadOptions.of(c.params);

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated0 = threads.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        ModuleException failure = null;
        if (c.errno != null) {
            failure = expect(c.errno, () -> load(jar, options));
        } else {
            assertEquals(ModuleState.LIVE, load(jar, options).state());
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocated0;
        assertTrue("took " + millis + " ms (at most " + c.maxMillis + ")", millis <= c.maxMillis);
        assertTrue("allocated " + allocated + " bytes (at most " + c.maxAllocated + ")", allocated <= c.maxAllocated);

        if (failure != null) {
            String m = failure.getMessage();
            assertTrue("a clear message with " + c.words + ": " + m, m.contains(c.words));
            if (expectWords != null) {
                assertTrue("the detail " + expectWords + ": " + m, m.contains(expectWords));
            }
            assertTrue("kmod's words, naming the file: " + m, c.hostWording || m.startsWith("could not insert module " + jar.toAbsolutePath().normalize())
                    || m.startsWith("could not load module " + jar));
            assertFalse(kernel.find(VICTIM).isPresent());
        } else {
            kernel.unload(VICTIM, UnloadOptions.defaults());
            assertTrue("dmesg says " + c.words + ": " + log.entries(), log.entries().toString().contains(c.words));
        }
        String after = state();
        if (c.taints.length > 0) {
            for (Taint taint : c.taints) {
                assertTrue(taint + " is documented for this fault: " + after, kernel.taints().contains(taint));
            }
            after = after.replaceAll("taints=\\[.*\\]", "taints=" + before.replaceAll(".*taints=", ""));
        }
        assertEquals("the container is exactly as before", before, after);
        try (java.util.stream.Stream<Path> left = Files.exists(copies) ? Files.list(copies) : java.util.stream.Stream.empty()) {
            assertEquals("no private copy left behind", List.of(), left.toList());
        }
        assertTrue("no module left between states: " + kernel.modules(), kernel.modules().stream()
                .allMatch(m -> m.state() == ModuleState.LIVE));
    }

    /** Loads on another thread, so a load that blocks forever fails the case instead of the suite. */
    private org.kmod4j.api.Module load(Path jar, LoadOptions options) {
        FutureTask<org.kmod4j.api.Module> task = new FutureTask<>(() -> kernel.load(jar, options));
        if (c.maxAllocated != Long.MAX_VALUE) {
            task.run(); // measured on this thread
        } else {
            Thread t = new Thread(task, "corpus-load");
            t.setDaemon(true);
            t.start();
        }
        try {
            return task.get(c.maxMillis + 3_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            unblockFifos();
            throw new AssertionError("the load of " + jar + " did not return in " + (c.maxMillis + 3_000) + " ms");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new AssertionError(e.getCause());
        }
    }

    // ---- Module-Init classes of the corpus -----------------------------------------------------

    public static final class NoDefaultConstructor implements ModuleInit {
        public NoDefaultConstructor(String unused) {
        }

        @Override
        public void init(ModuleContext context) {
        }
    }

    public abstract static class AbstractInit implements ModuleInit {
    }

    public static final class ThrowingConstructor implements ModuleInit {
        public ThrowingConstructor() {
            throw new IllegalStateException("constructor says no");
        }

        @Override
        public void init(ModuleContext context) {
        }
    }

    public static final class ThrowingStaticInit implements ModuleInit {
        static {
            if (Boolean.TRUE) {
                throw new IllegalStateException("static init says no");
            }
        }

        @Override
        public void init(ModuleContext context) {
        }
    }

    // ---- generated files -------------------------------------------------------------------------

    static boolean isRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return out.equals("0");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static final List<Path> FIFOS = new CopyOnWriteArrayList<>();

    private static Path fifo(BadInputCorpusTest t) throws Exception {
        Path p = t.tmp.getRoot().toPath().resolve("fifo.jar");
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        Assume.assumeTrue("mkfifo works here", mk.waitFor() == 0);
        FIFOS.add(p);
        return p;
    }

    /** Opens every FIFO for writing and closes it: a reader blocked in open() or read() gets EOF. */
    private static void unblockFifos() {
        for (Path p : FIFOS) {
            Thread w = new Thread(() -> {
                try (OutputStream out = Files.newOutputStream(p)) {
                    out.flush();
                } catch (IOException ignored) {
                    // gone
                }
            });
            w.setDaemon(true);
            w.start();
        }
    }

    private static void deleteAll(Path dir, String prefix) {
        try (var files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().startsWith(prefix)).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new java.util.Random(42).nextBytes(b);
        b[0] = 'P'; // looks like the start of a zip, is not one
        b[1] = 'K';
        return b;
    }

    private static Path truncated(Path jar, double fraction) throws IOException {
        byte[] all = Files.readAllBytes(jar);
        Files.write(jar, java.util.Arrays.copyOf(all, (int) (all.length * fraction)));
        return jar;
    }

    private static Path truncatedBy(Path jar, int bytes) throws IOException {
        byte[] all = Files.readAllBytes(jar);
        Files.write(jar, java.util.Arrays.copyOf(all, all.length - bytes));
        return jar;
    }

    /** The end-of-central-directory record's offset field set past the end of the file. */
    private static Path badCentralDirectoryOffset(Path jar) throws IOException {
        byte[] all = Files.readAllBytes(jar);
        int eocd = all.length - 22; // no comment
        assertEquals(0x06054b50, ByteBuffer.wrap(all, eocd, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putInt(eocd + 16, all.length + 1000);
        Files.write(jar, all);
        return jar;
    }

    private static Path zipWithoutManifest(BadInputCorpusTest t) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("org/x/A.class"));
            zip.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
            zip.closeEntry();
        }
        return t.jars.file("nomanifest.jar", bytes.toByteArray());
    }

    private static Path rawManifest(BadInputCorpusTest t, String manifest) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write(manifest.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return t.jars.file("raw-" + Integer.toHexString(manifest.hashCode()) + ".jar", bytes.toByteArray());
    }

    /**
     * A 2 MiB manifest (many header lines). Honest: written by JarOutputStream with its real size.
     * Lying: deflated with a central directory that claims 100 bytes.
     */
    private static Path manifestBomb(BadInputCorpusTest t, boolean lying) throws IOException {
        StringBuilder mf = new StringBuilder("Manifest-Version: 1.0\r\nBundle-SymbolicName: test.victim\r\nModule-Name: victim\r\n");
        String pad = "p".repeat(60);
        for (int i = 0; mf.length() < (2 << 20); i++) {
            mf.append("X-Pad-").append(i).append(": ").append(pad).append("\r\n");
        }
        mf.append("\r\n");
        byte[] content = mf.toString().getBytes(StandardCharsets.US_ASCII);
        Path p = t.tmp.getRoot().toPath().resolve(lying ? "manifest-bomb.jar" : "huge-manifest.jar");
        if (!lying) {
            try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(p), new Manifest(new java.io.ByteArrayInputStream(content)))) {
                jar.putNextEntry(new ZipEntry("readme.txt"));
                jar.write(1);
                jar.closeEntry();
            }
            return p;
        }
        Deflater d = new Deflater(9, true);
        d.setInput(content);
        d.finish();
        ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        while (!d.finished()) {
            deflated.write(buf, 0, d.deflate(buf));
        }
        d.end();
        CRC32 crc = new CRC32();
        crc.update(content);
        RawZip zip = new RawZip();
        zip.entry("META-INF/MANIFEST.MF", 8, crc.getValue(), deflated.toByteArray(), 100);
        Files.write(p, zip.finish());
        return p;
    }

    /**
     * A module jar (manifest for {@link #VICTIM}) plus {@code zeros.bin}: {@link #BOMB_BYTES} of
     * zeros as repeated deflate blocks, about a thousandth of that on disk. Made once per run.
     */
    private static synchronized Path bomb(boolean lying) throws IOException {
        if (bomb == null) {
            byte[] chunk = new byte[1 << 20];
            Deflater d = new Deflater(9, true);
            d.setInput(chunk);
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0;) {
                block.write(buf, 0, n);
            }
            d.end();
            byte[] one = block.toByteArray();
            int copies = (int) (BOMB_BYTES / chunk.length);
            byte[] data = new byte[one.length * copies + 5];
            for (int i = 0; i < copies; i++) {
                System.arraycopy(one, 0, data, i * one.length, one.length);
            }
            // a final empty stored block: BFINAL=1, BTYPE=00, LEN=0, NLEN=0xFFFF
            byte[] last = {1, 0, 0, (byte) 0xFF, (byte) 0xFF};
            System.arraycopy(last, 0, data, one.length * copies, 5);
            CRC32 crc = new CRC32();
            for (int i = 0; i < copies; i++) {
                crc.update(chunk);
            }
            byte[] manifest = ("Manifest-Version: 1.0\r\nBundle-SymbolicName: test.victim\r\nBundle-Version: 1.0.0\r\n"
                    + "Module-Name: victim\r\nModule-Init: " + TestModules.Init.class.getName() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            CRC32 mcrc = new CRC32();
            mcrc.update(manifest);
            for (boolean lie : new boolean[] {false, true}) {
                RawZip zip = new RawZip();
                zip.entry("META-INF/MANIFEST.MF", 0, mcrc.getValue(), manifest, manifest.length);
                zip.entry("zeros.bin", 8, crc.getValue(), data, lie ? 1000 : BOMB_BYTES);
                Path p = shared.getRoot().toPath().resolve(lie ? "lying-bomb.jar" : "bomb.jar");
                Files.write(p, zip.finish());
                assertTrue("a bomb is small on disk: " + Files.size(p), Files.size(p) < 4 << 20);
                if (lie) {
                    lyingBomb = p;
                } else {
                    bomb = p;
                }
            }
        }
        return lying ? lyingBomb : bomb;
    }

    /** Just enough of the zip format to write entries whose headers say what the test wants. */
    static final class RawZip {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream central = new ByteArrayOutputStream();
        private int count;

        void entry(String name, int method, long crc, byte[] data, long declaredSize) throws IOException {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            int offset = out.size();
            ByteBuffer local = le(30 + n.length);
            local.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) method)
                    .putShort((short) 0).putShort((short) 0x21).putInt((int) crc).putInt(data.length)
                    .putInt((int) declaredSize).putShort((short) n.length).putShort((short) 0).put(n);
            out.write(local.array());
            out.write(data);
            ByteBuffer c = le(46 + n.length);
            c.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) method)
                    .putShort((short) 0).putShort((short) 0x21).putInt((int) crc).putInt(data.length)
                    .putInt((int) declaredSize).putShort((short) n.length).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt(offset).put(n);
            central.write(c.array());
            count++;
        }

        byte[] finish() throws IOException {
            int cdOffset = out.size();
            out.write(central.toByteArray());
            ByteBuffer end = le(22);
            end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) count).putShort((short) count)
                    .putInt(central.size()).putInt(cdOffset).putShort((short) 0);
            out.write(end.array());
            return out.toByteArray();
        }

        private static ByteBuffer le(int size) {
            return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

}
