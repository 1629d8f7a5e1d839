package org.kmod4j.core;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertPath;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipFile;

import javax.security.auth.x500.X500Principal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import jdk.security.jarsigner.JarSigner;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

/**
 * Keys and certificates made at test time (JDK key generation, Bouncy Castle's certificate
 * builder), trust stores of them, and jars signed with them by the JDK's JarSigner.
 */
final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A key pair and its certificate. */
    record Identity(KeyPair keys, X509Certificate cert) {
    }

    /** What a certificate says besides its subject. */
    static final class Spec {
        final String dn;
        boolean ca;
        Instant notBefore = Instant.now().minus(Duration.ofDays(1));
        Instant notAfter = Instant.now().plus(Duration.ofDays(2));
        KeyPurposeId[] eku;
        Integer keyUsage;

        Spec(String dn) {
            this.dn = dn;
        }

        Spec ca() {
            ca = true;
            keyUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
            return this;
        }

        Spec valid(Duration fromNow, Duration length) {
            notBefore = Instant.now().plus(fromNow);
            notAfter = notBefore.plus(length);
            return this;
        }

        Spec eku(KeyPurposeId... purposes) {
            eku = purposes;
            return this;
        }

        Spec keyUsage(int bits) {
            keyUsage = bits;
            return this;
        }
    }

    private TestPki() {
    }

    static Spec spec(String dn) {
        return new Spec(dn);
    }

    /** A self-signed certificate. */
    static Identity selfSigned(Spec spec) throws Exception {
        KeyPair keys = keyPair();
        return new Identity(keys, certificate(spec, keys, spec.dn, keys));
    }

    /** A certificate issued by {@code issuer}. */
    static Identity issue(Identity issuer, Spec spec) throws Exception {
        KeyPair keys = keyPair();
        return new Identity(keys, certificate(spec, keys, issuer.cert().getSubjectX500Principal().getName(), issuer.keys()));
    }

    private static X509Certificate certificate(Spec spec, KeyPair subjectKeys, String issuerDn, KeyPair issuerKeys)
            throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Principal(issuerDn),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(spec.notBefore), Date.from(spec.notAfter),
                new X500Principal(spec.dn), subjectKeys.getPublic());
        if (spec.ca) {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        }
        if (spec.keyUsage != null) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(spec.keyUsage));
        }
        if (spec.eku != null) {
            // critical when it is the only purpose, as RFC 3161 requires of a TSA's timeStamping
            b.addExtension(Extension.extendedKeyUsage, spec.eku.length == 1, new ExtendedKeyUsage(spec.eku));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** A PKCS12 trust store with these certificates as trusted-certificate entries. */
    static KeyStore trustStore(X509Certificate... trusted) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        for (int i = 0; i < trusted.length; i++) {
            ks.setCertificateEntry("trusted-" + i, trusted[i]);
        }
        return ks;
    }

    /**
     * {@code jar} signed with {@code signer}'s key, the jar's certificate chain being the
     * signer's certificate followed by {@code chain} (what {@code jarsigner -certchain} embeds).
     */
    static Path sign(Path jar, Identity signer, X509Certificate... chain) throws Exception {
        return sign(jar, null, signer, chain);
    }

    /** As {@link #sign(Path, Identity, X509Certificate...)}, timestamped by {@code tsa} (null: none). */
    static Path sign(Path jar, Tsa tsa, Identity signer, X509Certificate... chain) throws Exception {
        List<X509Certificate> certs = new ArrayList<>();
        certs.add(signer.cert());
        certs.addAll(List.of(chain));
        CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(certs);
        Path signed = jar.resolveSibling("signed-" + SERIAL.incrementAndGet() + "-" + jar.getFileName());
        try (ZipFile in = new ZipFile(jar.toFile()); OutputStream out = Files.newOutputStream(signed)) {
            JarSigner.Builder b = new JarSigner.Builder(signer.keys().getPrivate(), path);
            if (tsa != null) {
                b.tsa(tsa.uri());
            }
            b.build().sign(in, out);
        }
        return signed;
    }

    /**
     * A time-stamping authority (RFC 3161 over HTTP on the loopback interface) that stamps every
     * request with a fixed time, so a test can sign "in the past".
     */
    static final class Tsa implements AutoCloseable {
        private final HttpServer server;
        private final Identity identity;
        private final Date time;

        Tsa(Identity identity, Instant time) throws Exception {
            this.identity = identity;
            this.time = Date.from(time);
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::stamp);
            server.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        }

        private void stamp(HttpExchange exchange) throws IOException {
            try (exchange) {
                TimeStampRequest request = new TimeStampRequest(exchange.getRequestBody().readAllBytes());
                DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
                TimeStampTokenGenerator tokens = new TimeStampTokenGenerator(
                        new JcaSimpleSignerInfoGeneratorBuilder().build("SHA256withECDSA", identity.keys().getPrivate(),
                                identity.cert()),
                        digests.get(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)),
                        new ASN1ObjectIdentifier("1.2.3.4.1"));
                tokens.addCertificates(new JcaCertStore(List.of(identity.cert())));
                byte[] reply = new TimeStampResponseGenerator(tokens, TSPAlgorithms.ALLOWED)
                        .generate(request, BigInteger.valueOf(SERIAL.incrementAndGet()), time).getEncoded();
                exchange.getResponseHeaders().add("Content-Type", "application/timestamp-reply");
                exchange.sendResponseHeaders(200, reply.length);
                exchange.getResponseBody().write(reply);
            } catch (Exception e) {
                throw new IOException(e);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
