package org.securemail.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.securemail.policy.internal.Pem;

/**
 * Where a {@link TlsPolicy} finds the certificates or keys it trusts to authenticate a server.
 *
 * <p>Four sources exist:
 * <ul>
 *   <li>{@link #system()}: the JDK's CA set (its {@code cacerts}, or the trust store the JVM was configured with);</li>
 *   <li>{@link #pem(String)}, {@link #pemFile(Path)}, {@link #certificates(Collection)}: CA certificates of your own,
 *       for a private PKI;</li>
 *   <li>{@link #keyStore(KeyStore)}: the trusted-certificate entries of a KeyStore;</li>
 *   <li>{@link #pinnedKeys(String...)}: SHA-256 pins of subject public keys, for private relays with self-signed
 *       certificates. A chain is accepted when one of its certificates carries a pinned key and every certificate
 *       below it is signed by the one above.</li>
 * </ul>
 *
 * <p>Whatever the source, the engine still checks validity dates, key sizes, signature algorithms and the host name
 * (RFC 9525) of every chain. No source can turn verification off.
 *
 * <p>Instances are immutable. Certificates are copied when the source is created, so a KeyStore changed later does
 * not change the policy.
 */
public final class TrustSource {

    /** The kind of a trust source. */
    public enum Kind {
        /** The JDK's CA set. */
        SYSTEM,
        /** An explicit list of trusted CA certificates. */
        CERTIFICATES,
        /** SHA-256 pins of subject public keys. */
        PINNED_KEYS
    }

    private static final TrustSource SYSTEM = new TrustSource(Kind.SYSTEM, List.of(), Set.of());
    private static final String PIN_PREFIX = "sha256/";

    private final Kind kind;
    private final List<X509Certificate> certificates;
    private final Set<String> pins;

    private TrustSource(Kind kind, List<X509Certificate> certificates, Set<String> pins) {
        this.kind = kind;
        this.certificates = certificates;
        this.pins = pins;
    }

    /**
     * Returns the JDK's CA set: whatever trust store the JVM uses by default.
     *
     * @return the system trust source
     */
    public static TrustSource system() {
        return SYSTEM;
    }

    /**
     * Returns a source that trusts exactly the given CA certificates.
     *
     * @param certificates the trust anchors, at least one
     * @return the trust source
     * @throws NullPointerException if {@code certificates} or an element is null
     * @throws IllegalArgumentException if {@code certificates} is empty
     */
    public static TrustSource certificates(Collection<X509Certificate> certificates) {
        Objects.requireNonNull(certificates, "certificates");
        List<X509Certificate> copy = new ArrayList<>(certificates.size());
        for (X509Certificate c : certificates) {
            copy.add(Objects.requireNonNull(c, "certificates contains null"));
        }
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("certificates is empty: a trust source needs at least one CA certificate");
        }
        return new TrustSource(Kind.CERTIFICATES, Collections.unmodifiableList(copy), Set.of());
    }

    /**
     * Returns a source that trusts the CA certificates in PEM text ({@code -----BEGIN CERTIFICATE-----} blocks).
     *
     * @param pem the PEM text, one or more certificates
     * @return the trust source
     * @throws NullPointerException if {@code pem} is null
     * @throws IllegalArgumentException if the text holds no valid certificate
     */
    public static TrustSource pem(String pem) {
        Objects.requireNonNull(pem, "pem");
        return certificates(Pem.certificates(pem, "trust PEM"));
    }

    /**
     * Returns a source that trusts the CA certificates in a PEM file.
     *
     * @param file the PEM file, read once now
     * @return the trust source
     * @throws NullPointerException if {@code file} is null
     * @throws IllegalArgumentException if the file cannot be read or holds no valid certificate
     */
    public static TrustSource pemFile(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read trust PEM file " + file + ": " + e.getMessage(), e);
        }
        return certificates(Pem.certificates(text, "trust PEM file " + file));
    }

    /**
     * Returns a source that trusts the trusted-certificate entries of a KeyStore, copied now.
     *
     * @param keyStore a loaded KeyStore
     * @return the trust source
     * @throws NullPointerException if {@code keyStore} is null
     * @throws IllegalArgumentException if the KeyStore is not loaded or has no trusted-certificate entry
     */
    public static TrustSource keyStore(KeyStore keyStore) {
        Objects.requireNonNull(keyStore, "keyStore");
        List<X509Certificate> anchors = new ArrayList<>();
        try {
            for (String alias : Collections.list(keyStore.aliases())) {
                if (keyStore.isCertificateEntry(alias)) {
                    Certificate c = keyStore.getCertificate(alias);
                    if (c instanceof X509Certificate) {
                        anchors.add((X509Certificate) c);
                    }
                }
            }
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException("keyStore is not loaded: call KeyStore.load first", e);
        }
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("keyStore has no trusted-certificate entry"
                    + " (private-key entries are not trust anchors)");
        }
        return certificates(anchors);
    }

    /**
     * Returns a source that trusts chains carrying one of the given public keys, identified by pins of the form
     * {@code sha256/BASE64}: the base64 of the SHA-256 digest of the certificate's DER SubjectPublicKeyInfo
     * (the same form as HTTP public key pinning). Compute a pin with {@link #spkiPin(X509Certificate)} or
     * {@code openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64}.
     *
     * @param pins one or more pins
     * @return the trust source
     * @throws NullPointerException if {@code pins} or an element is null
     * @throws IllegalArgumentException if no pin is given or a pin is malformed
     */
    public static TrustSource pinnedKeys(String... pins) {
        Objects.requireNonNull(pins, "pins");
        Set<String> set = new LinkedHashSet<>();
        for (String pin : pins) {
            set.add(checkPin(Objects.requireNonNull(pin, "pins contains null")));
        }
        if (set.isEmpty()) {
            throw new IllegalArgumentException("pins is empty: pinnedKeys needs at least one sha256/ pin");
        }
        return new TrustSource(Kind.PINNED_KEYS, List.of(), Collections.unmodifiableSet(set));
    }

    private static String checkPin(String pin) {
        if (!pin.startsWith(PIN_PREFIX)) {
            throw new IllegalArgumentException("pin must start with 'sha256/': " + pin);
        }
        byte[] digest;
        try {
            digest = Base64.getDecoder().decode(pin.substring(PIN_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pin is not valid base64 after 'sha256/': " + pin, e);
        }
        if (digest.length != 32) {
            throw new IllegalArgumentException("pin must hold a 32-byte SHA-256 digest, has " + digest.length
                    + " bytes: " + pin);
        }
        return pin;
    }

    /**
     * Computes the {@code sha256/BASE64} pin of a certificate's subject public key.
     *
     * @param certificate the certificate
     * @return its pin
     * @throws NullPointerException if {@code certificate} is null
     */
    public static String spkiPin(X509Certificate certificate) {
        Objects.requireNonNull(certificate, "certificate");
        try {
            byte[] spki = certificate.getPublicKey().getEncoded();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(spki);
            return PIN_PREFIX + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * Returns the kind of this source.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns the trusted CA certificates of a {@link Kind#CERTIFICATES} source.
     *
     * @return an unmodifiable list, empty for the other kinds
     */
    public List<X509Certificate> certificates() {
        return certificates;
    }

    /**
     * Returns the pins of a {@link Kind#PINNED_KEYS} source.
     *
     * @return an unmodifiable set of {@code sha256/BASE64} strings, empty for the other kinds
     */
    public Set<String> pins() {
        return pins;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TrustSource)) {
            return false;
        }
        TrustSource other = (TrustSource) o;
        // X509Certificate equality compares the DER encodings.
        return kind == other.kind && pins.equals(other.pins) && certificates.equals(other.certificates);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, pins, certificates);
    }

    @Override
    public String toString() {
        switch (kind) {
            case SYSTEM:
                return "TrustSource{system}";
            case CERTIFICATES:
                return "TrustSource{certificates=" + certificates.stream()
                        .map(c -> c.getSubjectX500Principal().getName())
                        .collect(Collectors.toList()) + "}";
            default:
                return "TrustSource{pinnedKeys=" + pins + "}";
        }
    }
}
