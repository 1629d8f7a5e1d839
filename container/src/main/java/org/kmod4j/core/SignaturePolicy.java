package org.kmod4j.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.function.UnaryOperator;

import org.kmod4j.api.Errno;
import org.kmod4j.api.ModuleException;

/**
 * Whether module jars must be signed, and by whom: Linux's {@code CONFIG_MODULE_SIG} (check,
 * taint E when it fails) and {@code module.sig_enforce} (refuse). Without a trust store no
 * check is made, unless enforcing, which then refuses every module.
 */
public final class SignaturePolicy {
    /** Framework/system properties that configure it. */
    public static final String ENFORCE = "kmod4j.sig.enforce";
    public static final String TRUST_STORE = "kmod4j.truststore";
    public static final String TRUST_STORE_PASSWORD = "kmod4j.truststore.password";
    public static final String TRUST_STORE_TYPE = "kmod4j.truststore.type";
    /** "true": check the signer chain's revocation status (OCSP/CRLs, over the network); off by default. */
    public static final String REVOCATION = "kmod4j.sig.revocation";
    /** Uncompressed bytes a verification may read before the jar counts as a zip bomb. */
    public static final long DEFAULT_MAX_BYTES = 256L << 20;

    private static final SignaturePolicy DISABLED = new SignaturePolicy(null, false, DEFAULT_MAX_BYTES);

    private final KeyStore trustStore;
    private final boolean enforce;
    private final long maxBytes;
    private final boolean revocation;

    public SignaturePolicy(KeyStore trustStore, boolean enforce, long maxBytes) {
        this(trustStore, enforce, maxBytes, false);
    }

    /** @param revocation whether the signer chain's revocation status is checked */
    public SignaturePolicy(KeyStore trustStore, boolean enforce, long maxBytes, boolean revocation) {
        this.trustStore = trustStore;
        this.enforce = enforce;
        this.maxBytes = maxBytes;
        this.revocation = revocation;
    }

    public static SignaturePolicy disabled() {
        return DISABLED;
    }

    /**
     * @param property looks up a configuration property, null when unset
     * @throws ModuleException EINVAL if the trust store cannot be read
     */
    public static SignaturePolicy fromProperties(UnaryOperator<String> property) {
        boolean enforce = Boolean.parseBoolean(property.apply(ENFORCE));
        String path = property.apply(TRUST_STORE);
        if (path == null || path.isBlank()) {
            return enforce ? new SignaturePolicy(null, true, DEFAULT_MAX_BYTES) : DISABLED;
        }
        String type = property.apply(TRUST_STORE_TYPE);
        String password = property.apply(TRUST_STORE_PASSWORD);
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            KeyStore ks = KeyStore.getInstance(type == null ? "PKCS12" : type);
            ks.load(in, password == null ? null : password.toCharArray());
            return new SignaturePolicy(ks, enforce, DEFAULT_MAX_BYTES, Boolean.parseBoolean(property.apply(REVOCATION)));
        } catch (IOException | GeneralSecurityException e) {
            throw new ModuleException(Errno.EINVAL, "cannot read module trust store " + path + ": " + e, e);
        }
    }

    /** Whether jars are checked at all. */
    public boolean checks() {
        return trustStore != null || enforce;
    }

    public boolean enforce() {
        return enforce;
    }

    KeyStore trustStore() {
        return trustStore;
    }

    boolean revocation() {
        return revocation;
    }

    long maxBytes() {
        return maxBytes;
    }
}
