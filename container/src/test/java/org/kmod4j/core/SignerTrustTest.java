package org.kmod4j.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.BeforeClass;
import org.junit.Test;
import org.kmod4j.api.Errno;
import org.kmod4j.api.Module;
import org.kmod4j.api.ModuleException;

/**
 * The signer's chain is checked by PKIX rules under sig_enforce: accepted through an
 * intermediate and as a directly trusted key; refused (EKEYREJECTED, nothing loaded) for a forged
 * look-alike CA, an untrusted key, a certificate outside its validity (at the timestamp's time
 * when the jar is timestamped by a trusted authority, else now), and a key not meant for code
 * signing.
 */
public class SignerTrustTest extends KernelTestBase {
    private static final String CA_DN = "CN=kmod4j test CA, O=kmod4j";
    private static TestPki.Identity ca;
    private static TestPki.Identity intermediate;
    private static TestPki.Identity selfSigned;
    private static TestPki.Identity tsa;

    @BeforeClass
    public static void makeKeys() throws Exception {
        ca = TestPki.selfSigned(TestPki.spec(CA_DN).ca());
        intermediate = TestPki.issue(ca, TestPki.spec("CN=kmod4j test intermediate").ca());
        selfSigned = TestPki.selfSigned(TestPki.spec("CN=directly trusted"));
        tsa = TestPki.issue(ca, TestPki.spec("CN=kmod4j test TSA").valid(Duration.ofDays(-30), Duration.ofDays(60))
                .eku(KeyPurposeId.id_kp_timeStamping));
    }

    private void enforce(boolean revocation) throws Exception {
        KeyStore trusted = TestPki.trustStore(ca.cert(), selfSigned.cert());
        kernel = new Kernel(host, executor, log, new SignaturePolicy(trusted, true, SignaturePolicy.DEFAULT_MAX_BYTES, revocation));
    }

    private Module loads(Path jar) {
        Module m = kernel.load(jar, null);
        assertEquals(Set.of(), kernel.taints());
        return m;
    }

    /** Refused with EKEYREJECTED and kmod's words, nothing loaded, the container unchanged. */
    private ModuleException refused(Path jar, String why) {
        String before = state();
        ModuleException e = expect(Errno.EKEYREJECTED, () -> kernel.load(jar, null));
        assertTrue(e.getMessage(), e.getMessage().contains(": Key was rejected by service ("));
        assertTrue("the reason " + why + ": " + e.getMessage(), e.getMessage().contains(why));
        assertFalse(kernel.find("m").isPresent());
        assertEquals(before, state());
        return e;
    }

    private TestPki.Identity leaf(TestPki.Identity issuer, TestPki.Spec spec) throws Exception {
        return TestPki.issue(issuer, spec);
    }

    @Test
    public void aForgedLookAlikeCaIsRefused() throws Exception {
        enforce(false);
        kernel.load(TestPki.sign(jars.module("other"), selfSigned), null); // a bystander
        // the attacker's CA has the trusted CA's name but its own key; the jar carries the real CA certificate
        TestPki.Identity forgedCa = TestPki.selfSigned(TestPki.spec(CA_DN).ca());
        TestPki.Identity attacker = leaf(forgedCa, TestPki.spec("CN=attacker"));
        refused(TestPki.sign(jars.module("m"), attacker, ca.cert()), "no valid certificate path");
        // and with the forged CA in the chain too
        refused(TestPki.sign(jars.module("m"), attacker, forgedCa.cert(), ca.cert()), "no valid certificate path");
    }

    @Test
    public void aLeafThroughAnIntermediateOfATrustedCaLoads() throws Exception {
        enforce(false);
        TestPki.Identity signer = leaf(intermediate, TestPki.spec("CN=module signer")
                .eku(KeyPurposeId.id_kp_codeSigning).keyUsage(KeyUsage.digitalSignature));
        Module m = loads(TestPki.sign(jars.module("m"), signer, intermediate.cert(), ca.cert()));
        assertTrue(m.signer(), m.signer().contains("CN=module signer"));
        // the CA itself need not be in the jar: the trust store has it
        kernel.unload("m", null);
        loads(TestPki.sign(jars.module("m"), signer, intermediate.cert()));
    }

    @Test
    public void aDirectlyTrustedSelfSignedKeyLoads() throws Exception {
        enforce(false);
        Module m = loads(TestPki.sign(jars.module("m"), selfSigned));
        assertTrue(m.signer(), m.signer().contains("CN=directly trusted"));
    }

    @Test
    public void anUntrustedSelfSignedKeyIsRefused() throws Exception {
        enforce(false);
        refused(TestPki.sign(jars.module("m"), TestPki.selfSigned(TestPki.spec("CN=someone else"))), "no valid certificate path");
    }

    @Test
    public void anExpiredSignerIsRefused() throws Exception {
        enforce(false);
        TestPki.Identity expired = leaf(ca, TestPki.spec("CN=expired").valid(Duration.ofDays(-10), Duration.ofDays(5)));
        refused(TestPki.sign(jars.module("m"), expired, ca.cert()), "certificate expired");
    }

    @Test
    public void aSignerNotYetValidIsRefused() throws Exception {
        enforce(false);
        TestPki.Identity early = leaf(ca, TestPki.spec("CN=early").valid(Duration.ofDays(5), Duration.ofDays(5)));
        refused(TestPki.sign(jars.module("m"), early, ca.cert()), "certificate not yet valid");
    }

    @Test
    public void anExpiredIntermediateIsRefused() throws Exception {
        enforce(false);
        TestPki.Identity old = TestPki.issue(ca, TestPki.spec("CN=old intermediate").ca()
                .valid(Duration.ofDays(-10), Duration.ofDays(5)));
        TestPki.Identity signer = leaf(old, TestPki.spec("CN=module signer"));
        refused(TestPki.sign(jars.module("m"), signer, old.cert(), ca.cert()), "no valid certificate path");
    }

    @Test
    public void anIntermediateThatIsNoCaIsRefused() throws Exception {
        enforce(false);
        TestPki.Identity notCa = leaf(ca, TestPki.spec("CN=not a CA"));
        TestPki.Identity signer = leaf(notCa, TestPki.spec("CN=module signer"));
        refused(TestPki.sign(jars.module("m"), signer, notCa.cert(), ca.cert()), "no valid certificate path");
    }

    @Test
    public void aKeyForAnotherPurposeIsRefused() throws Exception {
        enforce(false);
        TestPki.Identity server = leaf(ca, TestPki.spec("CN=tls server").eku(KeyPurposeId.id_kp_serverAuth));
        refused(TestPki.sign(jars.module("m"), server, ca.cert()), "does not allow codeSigning");
        // key usage without digitalSignature: the JDK's jar verification already drops such a signer
        TestPki.Identity encipher = leaf(ca, TestPki.spec("CN=encryption only").keyUsage(KeyUsage.keyEncipherment));
        refused(TestPki.sign(jars.module("m"), encipher, ca.cert()), "(unsigned)");
    }

    @Test
    public void aTimestampFromATrustedAuthorityDatesTheValidityCheck() throws Exception {
        enforce(false);
        TestPki.Identity expired = leaf(ca, TestPki.spec("CN=expired since").valid(Duration.ofDays(-10), Duration.ofDays(5)));
        Instant signedAt = Instant.now().minus(Duration.ofDays(7));
        try (TestPki.Tsa authority = new TestPki.Tsa(tsa, signedAt)) {
            loads(TestPki.sign(jars.module("m"), authority, expired, ca.cert()));
        }
        kernel.unload("m", null);
        // an authority the trust store does not vouch for cannot date the signature: checked at now
        TestPki.Identity rogueTsa = TestPki.selfSigned(TestPki.spec("CN=rogue TSA").valid(Duration.ofDays(-30), Duration.ofDays(60))
                .eku(KeyPurposeId.id_kp_timeStamping));
        try (TestPki.Tsa rogue = new TestPki.Tsa(rogueTsa, signedAt)) {
            refused(TestPki.sign(jars.module("m"), rogue, expired, ca.cert()), "certificate expired");
        }
    }

    @Test
    public void revocationIsOffByDefaultAndRefusesAnUnknownStatusWhenOn() throws Exception {
        TestPki.Identity signer = leaf(ca, TestPki.spec("CN=module signer"));
        Path jar = TestPki.sign(jars.module("m"), signer, ca.cert());
        enforce(true);
        refused(jar, "no valid certificate path"); // no CRL, no OCSP responder: status unknown
        enforce(false);
        loads(jar);
    }
}
