package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import jdk.security.jarsigner.JarSigner;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.Taint;

/** Signed modules: keys made by keytool and jars signed by the JDK's JarSigner, at test time. */
public class ModuleSignatureTest extends KernelTestBase {
    private static final char[] PASS = "changeit".toCharArray();
    @ClassRule
    public static TemporaryFolder keyDir = new TemporaryFolder();
    private static KeyStore trusted;
    private static KeyStore keys;

    @BeforeClass
    public static void makeKeys() throws Exception {
        Path ks = keyDir.getRoot().toPath().resolve("keys.p12");
        keytool(ks, "good", "CN=kmod4j test signer");
        keytool(ks, "rogue", "CN=someone else");
        keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            keys.load(in, PASS);
        }
        trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("good", keys.getCertificate("good"));
    }

    private static void keytool(Path store, String alias, String dname) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", alias, "-keyalg", "EC",
                "-dname", dname, "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue("keytool finished", p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("keytool: " + out, 0, p.exitValue());
    }

    private Path sign(Path jar, String alias) throws Exception {
        PrivateKey key = (PrivateKey) keys.getKey(alias, PASS);
        CertPath chain = CertificateFactory.getInstance("X.509").generateCertPath(Arrays.asList(keys.getCertificateChain(alias)));
        Path signed = jar.resolveSibling("signed-" + alias + "-" + jar.getFileName());
        try (ZipFile in = new ZipFile(jar.toFile()); OutputStream out = Files.newOutputStream(signed)) {
            new JarSigner.Builder(key, chain).build().sign(in, out);
        }
        return signed;
    }

    private void policy(boolean enforce) {
        kernel = new Kernel(host, executor, log, new SignaturePolicy(trusted, enforce, SignaturePolicy.DEFAULT_MAX_BYTES));
    }

    @Test
    public void aJarSignedByATrustedKeyLoadsUntainted() throws Exception {
        policy(true);
        Module m = kernel.load(sign(jars.module("m"), "good"), null);
        assertTrue(m.signer(), m.signer().contains("CN=kmod4j test signer"));
        assertEquals(Set.of(), kernel.taints());
    }

    @Test
    public void enforcingRefusesUnsignedUntrustedAndTamperedJarsWithoutTrace() throws Exception {
        policy(true);
        kernel.load(sign(jars.module("other"), "good"), null);
        String before = state();
        Path unsigned = jars.module("m");
        assertTrue(expect(Errno.EKEYREJECTED, () -> kernel.load(unsigned, null)).getMessage()
                .contains("Key was rejected by service (unsigned)"));
        Path rogue = sign(jars.module("m"), "rogue");
        assertTrue(expect(Errno.EKEYREJECTED, () -> kernel.load(rogue, null)).getMessage().contains("no valid certificate path"));
        Path tampered = tamper(sign(jars.module("m"), "good"));
        assertTrue(expect(Errno.EKEYREJECTED, () -> kernel.load(tampered, null)).getMessage().contains("does not match"));
        assertEquals(before, state());
    }

    @Test
    public void withoutEnforcementAnUnsignedModuleLoadsAndTaintsE() throws Exception {
        policy(false);
        Module m = kernel.load(jars.module("m"), null);
        assertEquals(Set.of(Taint.UNSIGNED_MODULE), kernel.taints());
        assertEquals(Set.of(Taint.UNSIGNED_MODULE), m.taints());
        assertTrue(log.entries().toString().contains("m: module verification failed: signature and/or required key missing"));
    }

    @Test
    public void aZipBombCostsBoundedWorkAndIsRefused() throws Exception {
        kernel = new Kernel(host, executor, log, new SignaturePolicy(trusted, false, 1 << 20));
        String before = state();
        Path bomb = jars.module("bomb");
        Path big = bomb.resolveSibling("bomb-big.jar");
        try (ZipFile in = new ZipFile(bomb.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(big))) {
            copy(in, out, null);
            out.putNextEntry(new ZipEntry("zeros.bin"));
            byte[] zeros = new byte[1 << 16];
            for (int i = 0; i < 64; i++) {
                out.write(zeros); // 4 MiB of zeros: a few KiB compressed
            }
            out.closeEntry();
        }
        assertTrue(Files.size(big) < 100_000);
        assertTrue(expect(Errno.EFBIG, () -> kernel.load(big, null)).getMessage().contains("File too large"));
        assertEquals(before, state());
    }

    @Test
    public void enforcingWithoutATrustStoreRefusesEverything() throws Exception {
        kernel = new Kernel(host, executor, log, SignaturePolicy.fromProperties(
                k -> SignaturePolicy.ENFORCE.equals(k) ? "true" : null));
        Path signed = sign(jars.module("m"), "good");
        expect(Errno.EKEYREJECTED, () -> kernel.load(signed, null));
    }

    /** The same jar with one byte of content changed, its signature files kept. */
    private static Path tamper(Path signed) throws IOException {
        Path out = signed.resolveSibling("tampered-" + signed.getFileName());
        try (ZipFile in = new ZipFile(signed.toFile()); ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            copy(in, zip, "readme.txt");
        }
        return out;
    }

    private static void copy(ZipFile in, ZipOutputStream out, String changed) throws IOException {
        for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements();) {
            ZipEntry entry = e.nextElement();
            out.putNextEntry(new ZipEntry(entry.getName()));
            byte[] bytes = in.getInputStream(entry).readAllBytes();
            if (entry.getName().equals(changed)) {
                bytes[0] ^= 1;
            }
            out.write(bytes);
            out.closeEntry();
        }
    }
}
