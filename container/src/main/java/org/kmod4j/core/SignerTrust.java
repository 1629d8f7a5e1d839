package org.kmod4j.core;

import java.security.CodeSigner;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.Timestamp;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a jar signer is trusted: PKIX path validation (the JDK's {@code CertPathBuilder}) from
 * the signer's certificate to a certificate of the trust store. The chain embedded in a jar is
 * only a hint: the JDK assembles it by issuer <em>name</em>, so a look-alike CA with the trusted
 * CA's name would otherwise pass. The rules:
 * <ul>
 * <li>the signer's certificate is itself in the trust store (a directly trusted key), or a path
 *     leads from it to a trust-store certificate in which every certificate is signed by the
 *     next's key, the CAs have basicConstraints cA and (where present) keyCertSign;</li>
 * <li>every certificate of the path is valid at the signing time: the time of the jar's
 *     timestamp when it has one whose authority itself passes these rules (extended key usage
 *     timeStamping), else now;</li>
 * <li>the signer's certificate, where it has key usage, allows digitalSignature, and where it
 *     has extended key usage, allows codeSigning (or any usage);</li>
 * <li>revocation (OCSP, CRLs: network) is checked only when the policy asks for it.</li>
 * </ul>
 */
final class SignerTrust {
    static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
    static final String TIME_STAMPING = "1.3.6.1.5.5.7.3.8";
    private static final String ANY_USAGE = "2.5.29.37.0";

    /** Why a signer is not trusted; null reason = trusted. */
    record Result(String reason) {
        boolean trusted() {
            return reason == null;
        }
    }

    private SignerTrust() {
    }

    static Result check(CodeSigner signer, KeyStore trustStore, boolean revocation) {
        if (trustStore == null) {
            return new Result("no trust store");
        }
        Date at = new Date();
        Timestamp ts = signer.getTimestamp();
        if (ts != null && check(certificates(ts.getSignerCertPath().getCertificates()), trustStore, revocation,
                ts.getTimestamp(), TIME_STAMPING).trusted()) {
            at = ts.getTimestamp();
        }
        return check(certificates(signer.getSignerCertPath().getCertificates()), trustStore, revocation, at, CODE_SIGNING);
    }

    private static Result check(List<X509Certificate> chain, KeyStore trustStore, boolean revocation, Date at, String usage) {
        if (chain.isEmpty()) {
            return new Result("the signer has no X.509 certificate");
        }
        X509Certificate leaf = chain.get(0);
        String unfit = usable(leaf, at, usage);
        if (unfit != null) {
            return new Result(unfit);
        }
        try {
            Set<TrustAnchor> anchors = anchors(trustStore);
            if (anchors.isEmpty()) {
                return new Result("the trust store has no certificate");
            }
            if (anchors.stream().anyMatch(a -> leaf.equals(a.getTrustedCert()))) {
                return new Result(null);
            }
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(chain)));
            params.setDate(at);
            params.setRevocationEnabled(revocation);
            CertPathBuilder.getInstance("PKIX").build(params);
            return new Result(null);
        } catch (CertPathBuilderException e) {
            return new Result("no valid certificate path to the trust store: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            return new Result("certificate path check failed: " + e);
        }
    }

    /** Validity at {@code at} and, where the certificate restricts them, the key's usages. */
    private static String usable(X509Certificate c, Date at, String usage) {
        try {
            c.checkValidity(at);
        } catch (CertificateExpiredException e) {
            return "certificate expired: not after " + c.getNotAfter().toInstant();
        } catch (CertificateNotYetValidException e) {
            return "certificate not yet valid: not before " + c.getNotBefore().toInstant();
        }
        boolean[] keyUsage = c.getKeyUsage();
        if (keyUsage != null && (keyUsage.length == 0 || !keyUsage[0])) {
            return "certificate key usage does not allow digitalSignature";
        }
        try {
            List<String> extended = c.getExtendedKeyUsage();
            if (extended != null && !extended.contains(usage) && !extended.contains(ANY_USAGE)) {
                return "certificate extended key usage " + extended + " does not allow "
                        + (usage.equals(CODE_SIGNING) ? "codeSigning" : "timeStamping") + " (" + usage + ")";
            }
        } catch (CertificateParsingException e) {
            return "certificate extended key usage unreadable: " + e.getMessage();
        }
        return null;
    }

    /** Every certificate of the store, trusted-certificate and key entries alike. */
    private static Set<TrustAnchor> anchors(KeyStore store) throws KeyStoreException {
        Set<TrustAnchor> anchors = new HashSet<>();
        for (String alias : Collections.list(store.aliases())) {
            Certificate c = store.getCertificate(alias);
            if (c instanceof X509Certificate) {
                anchors.add(new TrustAnchor((X509Certificate) c, null));
            }
        }
        return anchors;
    }

    private static List<X509Certificate> certificates(List<? extends Certificate> certs) {
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : certs) {
            if (c instanceof X509Certificate) {
                out.add((X509Certificate) c);
            }
        }
        return out;
    }
}
