package org.kmod4j.core;

import java.io.IOException;
import java.io.InputStream;
import java.security.CodeSigner;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;

/**
 * Module signature check: Linux kernel/module/signing.c on the JDK's jar verification. Every
 * entry must be signed by the same signer(s), and one of them must be trusted by PKIX rules
 * ({@link SignerTrust}). Reading the entries is what makes the JDK verify their digests; the read is
 * bounded so a zip bomb costs bounded time and no memory.
 */
final class ModuleSignature {
    /** The outcome: trusted or not, why, and who signed. */
    static final class Verdict {
        final boolean trusted;
        final String signer;
        final String reason;

        Verdict(boolean trusted, String signer, String reason) {
            this.trusted = trusted;
            this.signer = signer;
            this.reason = reason;
        }
    }

    private ModuleSignature() {
    }

    /** @throws ModuleException EKEYREJECTED for a tampered jar, EFBIG for a zip bomb */
    static Verdict verify(ModuleManifest manifest, SignaturePolicy policy) {
        Set<CodeSigner> signers = null;
        boolean unsignedEntry = false;
        long budget = policy.maxBytes();
        byte[] buf = new byte[64 * 1024];
        try (JarFile jar = new JarFile(manifest.source().toFile(), true)) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
                JarEntry entry = e.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    for (int n; (n = in.read(buf)) > 0;) {
                        budget -= n;
                        if (budget < 0) {
                            throw new ModuleException(Errno.EFBIG, "could not insert module " + manifest.filename()
                                    + ": File too large (more than " + policy.maxBytes() + " bytes uncompressed)");
                        }
                    }
                }
                if (signatureFile(entry.getName())) {
                    continue;
                }
                CodeSigner[] s = entry.getCodeSigners();
                if (s == null) {
                    unsignedEntry = true;
                } else if (signers == null) {
                    signers = new HashSet<>(Arrays.asList(s));
                } else {
                    signers.retainAll(Arrays.asList(s));
                }
            }
        } catch (SecurityException e) {
            throw rejected(manifest, "signature does not match the content: " + e.getMessage());
        } catch (IOException e) {
            throw new ModuleException(Errno.ENOEXEC, "could not insert module " + manifest.filename()
                    + ": Invalid module format (" + e.getMessage() + ")", e);
        }
        if (signers == null) {
            return new Verdict(false, "", "unsigned");
        }
        if (unsignedEntry || signers.isEmpty()) {
            return new Verdict(false, "", "not every entry is signed by the same signer");
        }
        String why = "";
        for (CodeSigner s : signers) {
            SignerTrust.Result r = SignerTrust.check(s, policy.trustStore(), policy.revocation());
            if (r.trusted()) {
                return new Verdict(true, subject(s), "");
            }
            why = r.reason();
        }
        return new Verdict(false, subject(signers.iterator().next()), "signer not trusted: " + why);
    }

    static ModuleException rejected(ModuleManifest manifest, String why) {
        return new ModuleException(Errno.EKEYREJECTED, "could not insert module " + manifest.filename()
                + ": " + Errno.EKEYREJECTED.description() + " (" + why + ")");
    }

    private static String subject(CodeSigner signer) {
        Certificate c = signer.getSignerCertPath().getCertificates().get(0);
        return c instanceof X509Certificate ? ((X509Certificate) c).getSubjectX500Principal().getName() : c.getType();
    }

    private static boolean signatureFile(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (!n.startsWith("META-INF/") || n.indexOf('/', 9) >= 0) {
            return false;
        }
        return n.equals("META-INF/MANIFEST.MF") || n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA")
                || n.endsWith(".EC") || n.startsWith("META-INF/SIG-");
    }
}
