package org.securemail.policy;

import java.io.IOException;
import java.net.IDN;
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
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.securemail.policy.internal.Pem;

/**
 * Where a {@link TlsPolicy} finds the certificates or keys it trusts to authenticate a server.
 *
 * <p>Five sources exist:
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
        PINNED_KEYS,
        /** DNSSEC-signed TLSA records (DANE, RFC 6698, RFC 7671, RFC 7672). */
        DANE
    }

    private static final TrustSource SYSTEM = new TrustSource(Kind.SYSTEM, List.of(), Set.of());
    private static final String PIN_PREFIX = "sha256/";
    /** LDH labels (underscore allowed, as in service names), dot-separated; no wildcard. */
    private static final Pattern DNS_NAME = Pattern.compile(
            "[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");

    private final Kind kind;
    private final List<X509Certificate> certificates;
    private final Set<String> pins;
    private final Set<TlsaRecord> tlsaRecords;
    private final Set<String> referenceNames;

    private TrustSource(Kind kind, List<X509Certificate> certificates, Set<String> pins) {
        this(kind, certificates, pins, Set.of(), Set.of());
    }

    private TrustSource(Kind kind, List<X509Certificate> certificates, Set<String> pins, Set<TlsaRecord> tlsaRecords,
                        Set<String> referenceNames) {
        this.kind = kind;
        this.certificates = certificates;
        this.pins = pins;
        this.tlsaRecords = tlsaRecords;
        this.referenceNames = referenceNames;
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

    /**
     * Returns a source that authenticates one mail exchanger by its TLSA records: DANE for SMTP (RFC 7672), with the
     * certificate usages, selectors and matching types of RFC 6698 as updated by RFC 7671. The caller looks the records
     * up and passes only records whose DNSSEC validation was secure; a connection under this source should use
     * {@link SecurityMode#STARTTLS_REQUIRED}, as RFC 7672 §2.2 requires once usable TLSA records exist.
     *
     * <p>A chain is accepted when any one usable record matches it (records that are not {@link TlsaRecord#isUsable()
     * usable} are dropped here, as RFC 7672 §3.1 says):
     * <ul>
     *   <li>DANE-EE(3): the server's own certificate (selector 0) or its public key (selector 1) matches. The certificate
     *       is then only the carrier of the key (RFC 7672 §3.1.1, RFC 7671 §5.1): its names, validity dates, key usages
     *       and the signature of its issuer are not checked.</li>
     *   <li>DANE-TA(2): a certificate the server sends above its own (selector 0 or 1), or, for a record of selector 1
     *       and matching type 0 (the full key), the key that signed the highest certificate sent (RFC 7671 §5.2.2),
     *       is the trust anchor. The leaf must chain up to it, each certificate signed by the next, every issuer a
     *       CA; the certificates below the anchor must be within their validity dates; and the leaf must name one of
     *       the {@code referenceNames} in a subjectAltName DNS entry (RFC 7672 §3.2.2; a wildcard only as the
     *       whole left-most label).</li>
     * </ul>
     * Whatever matches, the policy's versions, cipher suites, groups, handshake signature schemes, and the key sizes and
     * certificate signature algorithms of the certificates that are checked, still hold.
     *
     * <p>What it protects against: an attacker on the path who strips STARTTLS or answers with a certificate of their
     * own, and a certificate authority that issues a certificate for the mail exchanger to someone else (no CA is
     * trusted under this source). What it does not: it is only as good as the DNSSEC validation that produced the
     * records. Records from an unsigned zone, from a resolver that does not validate, or over an unprotected path to
     * a validating resolver can be forged by the same attacker, and then authenticate the attacker. It checks no
     * revocation; a record set that lists a compromised key stays valid until its owner replaces it.
     *
     * @param records the TLSA records of the service ({@code _25._tcp.<host>}), DNSSEC-validated as secure; records
     *     that are not usable are dropped, duplicates are merged
     * @param referenceNames the names a DANE-TA chain's leaf may carry (RFC 7672 §3.2.2: the TLSA base domain, which is
     *     the MX host name or its CNAME-expanded form, and optionally the MX host name as given); lower-cased, IDNs as
     *     A-labels, without a trailing dot; at least one
     * @return the trust source
     * @throws NullPointerException if an argument or an element is null
     * @throws IllegalArgumentException if no record is usable, no reference name is given, or a reference name is not
     *     a DNS name
     */
    public static TrustSource dane(Collection<TlsaRecord> records, Collection<String> referenceNames) {
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(referenceNames, "referenceNames");
        Set<TlsaRecord> usable = new LinkedHashSet<>();
        List<TlsaRecord> unusable = new ArrayList<>();
        for (TlsaRecord r : records) {
            Objects.requireNonNull(r, "records contains null");
            if (r.isUsable()) {
                usable.add(r);
            } else {
                unusable.add(r);
            }
        }
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("TLSA records for DANE must include a usable one (usage 2 or 3,"
                    + " selector 0 or 1, matching type 0, 1 or 2, RFC 7672 §3.1): got " + records.size() + " records,"
                    + " none usable " + unusable + "; with no usable record RFC 7672 §2.2 treats the server as"
                    + " having no TLSA records, so do not use TrustSource.dane for it");
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : referenceNames) {
            names.add(referenceName(Objects.requireNonNull(name, "referenceNames contains null")));
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("referenceNames is empty: DANE needs at least the TLSA base domain"
                    + " (the MX host name) to check a DANE-TA chain's leaf against (RFC 7672 §3.2.2)");
        }
        return new TrustSource(Kind.DANE, List.of(), Set.of(), Collections.unmodifiableSet(usable),
                Collections.unmodifiableSet(names));
    }

    private static String referenceName(String name) {
        String n = name.trim();
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        String ascii;
        try {
            ascii = IDN.toASCII(n, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("reference name is not a DNS name: \"" + name + "\"", e);
        }
        if (!DNS_NAME.matcher(ascii).matches() || ascii.matches("[0-9.]+")) {
            throw new IllegalArgumentException("reference name must be a DNS host name such as mx.example.com, without"
                    + " wildcard, address or port: \"" + name + "\"");
        }
        return ascii;
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

    /**
     * Returns the usable TLSA records of a {@link Kind#DANE} source, in the order given, without duplicates.
     *
     * @return an unmodifiable set, empty for the other kinds
     */
    public Set<TlsaRecord> tlsaRecords() {
        return tlsaRecords;
    }

    /**
     * Returns the names a DANE-TA chain's leaf is checked against, for a {@link Kind#DANE} source: lower case,
     * A-labels, no trailing dot.
     *
     * @return an unmodifiable set, empty for the other kinds
     */
    public Set<String> referenceNames() {
        return referenceNames;
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
        // Record sets and name sets compare as sets: the order of a DNS answer carries no meaning.
        return kind == other.kind && pins.equals(other.pins) && certificates.equals(other.certificates)
                && tlsaRecords.equals(other.tlsaRecords) && referenceNames.equals(other.referenceNames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, pins, certificates, tlsaRecords, referenceNames);
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
            case DANE:
                return "TrustSource{dane=" + tlsaRecords.stream().map(TrustSource::describe)
                        .collect(Collectors.toList()) + ", referenceNames=" + referenceNames + "}";
            default:
                return "TrustSource{pinnedKeys=" + pins + "}";
        }
    }

    /** A record in presentation form, a full certificate or key (matching type 0) shortened to its length. */
    private static String describe(TlsaRecord r) {
        if (r.matchingType() != TlsaRecord.MATCH_FULL) {
            return r.toString();
        }
        return r.usage() + " " + r.selector() + " 0 (" + r.data().length + " bytes)";
    }
}
