package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import jdk.security.jarsigner.JarSigner;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.api.ModuleException;

/**
 * Time of check to time of use: with sig_enforce the signature is verified on the file at its
 * path, and the framework then installs whatever that path holds at install time. Whoever can
 * write the file (the deploy folder's users) swaps a signed jar for an unsigned one between the
 * two reads; the test host reads the path at install as Felix does. The code that runs must be
 * the code that was verified: the load fails, or the bundle is installed from the verified bytes.
 */
public class SignatureSwapTest extends KernelTestBase {
    private static final char[] PASS = "changeit".toCharArray();
    @ClassRule
    public static TemporaryFolder keyDir = new TemporaryFolder();
    private static KeyStore keys;
    private static KeyStore trusted;

    @BeforeClass
    public static void makeKey() throws Exception {
        Path ks = keyDir.getRoot().toPath().resolve("keys.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "good", "-keyalg", "EC", "-dname", "CN=kmod4j swap test", "-validity", "2", "-keystore", ks.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(out, 0, p.exitValue());
        keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            keys.load(in, PASS);
        }
        trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("good", keys.getCertificate("good"));
    }

    @Test
    public void aJarSwappedAfterVerificationIsNotWhatGetsInstalled() throws Exception {
        kernel = new Kernel(host, executor, log, new SignaturePolicy(trusted, true, SignaturePolicy.DEFAULT_MAX_BYTES));
        Path signed = sign(jars.module("m"));
        Path evil = jars.module("m", "X-Swapped", "unsigned code");
        host.onInstall = () -> {
            try {
                Files.move(evil, signed, StandardCopyOption.REPLACE_EXISTING); // between verify and install
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        try {
            kernel.load(signed, null);
        } catch (ModuleException refused) {
            return; // refusing the swapped file is fine too
        }
        TestHost.TestHosted installed = host.installed.values().iterator().next();
        assertNull("sig_enforce verified a signed jar, but the bundle installed is the unsigned one swapped in afterwards",
                installed.attrs.getValue("X-Swapped"));
    }

    private Path sign(Path jar) throws Exception {
        PrivateKey key = (PrivateKey) keys.getKey("good", PASS);
        CertPath chain = CertificateFactory.getInstance("X.509").generateCertPath(Arrays.asList(keys.getCertificateChain("good")));
        Path out = jar.resolveSibling("signed-" + jar.getFileName());
        try (ZipFile in = new ZipFile(jar.toFile()); OutputStream o = Files.newOutputStream(out)) {
            new JarSigner.Builder(key, chain).build().sign(in, o);
        }
        return out;
    }
}
