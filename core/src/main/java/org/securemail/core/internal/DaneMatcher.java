package org.securemail.core.internal;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.securemail.policy.TlsaRecord;

/**
 * Matches certificates against TLSA records (RFC 6698 §2.1, RFC 7671) and finds the path from a leaf up to a DANE-TA
 * trust anchor. Only matching and path finding: what else must hold of a matched chain is {@link CertificateVerifier}'s
 * business. Immutable.
 */
final class DaneMatcher {
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"};
    /** How many certificates a path to a DANE-TA anchor may have below the anchor; real chains have two or three. */
    static final int MAX_PATH = 10;

    /** A DANE-TA key given in full in DNS ({@code 2 1 0}), usable even when the server does not send its cert. */
    private static final class DnsKey {
        final TlsaRecord record;
        final PublicKey key;

        DnsKey(TlsaRecord record, PublicKey key) {
            this.record = record;
            this.key = key;
        }
    }

    /**
     * A path from the leaf up to a DANE-TA trust anchor: the certificates below the anchor (leaf first), the anchor's
     * certificate when the server sent it (null when the anchor is a key from DNS), its key, and the matching record.
     */
    static final class TaPath {
        final List<X509Certificate> below;
        final X509Certificate anchorCertificate;
        final PublicKey anchorKey;
        final TlsaRecord record;

        TaPath(List<X509Certificate> below, X509Certificate anchorCertificate, PublicKey anchorKey, TlsaRecord record) {
            this.below = below;
            this.anchorCertificate = anchorCertificate;
            this.anchorKey = anchorKey;
            this.record = record;
        }
    }

    private final List<TlsaRecord> endEntity = new ArrayList<>();
    private final List<TlsaRecord> trustAnchors = new ArrayList<>();
    private final List<DnsKey> dnsKeys = new ArrayList<>();
    private final int size;

    DaneMatcher(Set<TlsaRecord> records) {
        for (TlsaRecord r : records) {
            if (r.usage() == TlsaRecord.DANE_EE) {
                endEntity.add(r);
            } else if (r.usage() == TlsaRecord.DANE_TA) {
                trustAnchors.add(r);
                if (r.selector() == TlsaRecord.SELECTOR_SPKI && r.matchingType() == TlsaRecord.MATCH_FULL) {
                    PublicKey key = decodeKey(r.data());
                    if (key != null) {
                        dnsKeys.add(new DnsKey(r, key));
                    }
                }
            }
        }
        this.size = records.size();
    }

    /** How many usable records there are. */
    int size() {
        return size;
    }

    /** The first DANE-EE record that matches the leaf, or null. */
    TlsaRecord endEntityMatch(X509Certificate leaf) {
        for (TlsaRecord r : endEntity) {
            if (matches(r, leaf)) {
                return r;
            }
        }
        return null;
    }

    /** The first DANE-TA record that matches a certificate, or null. */
    TlsaRecord trustAnchorMatch(X509Certificate c) {
        for (TlsaRecord r : trustAnchors) {
            if (matches(r, c)) {
                return r;
            }
        }
        return null;
    }

    /**
     * Walks from the leaf up through the certificates the server sent, each the issuer (by name and signature) of the
     * one below, until a certificate matches a DANE-TA record or a DANE-TA key from DNS verifies the signature of the
     * highest one reached, at most {@value #MAX_PATH} certificates up. The leaf itself is never an anchor: that is what
     * DANE-EE is for.
     *
     * @return the path, or null when no anchor is reached
     */
    TaPath trustAnchorPath(List<X509Certificate> chain) {
        if (trustAnchors.isEmpty()) {
            return null;
        }
        List<X509Certificate> path = new ArrayList<>();
        Set<X509Certificate> used = Collections.newSetFromMap(new IdentityHashMap<>());
        X509Certificate current = chain.get(0);
        path.add(current);
        used.add(current);
        while (path.size() <= MAX_PATH) {
            for (DnsKey k : dnsKeys) {
                if (signedBy(current, k.key)) {
                    return new TaPath(List.copyOf(path), null, k.key, k.record);
                }
            }
            X509Certificate issuer = null;
            for (X509Certificate c : chain) {
                if (!used.contains(c) && c.getSubjectX500Principal().equals(current.getIssuerX500Principal())
                        && signedBy(current, c.getPublicKey())) {
                    issuer = c;
                    break;
                }
            }
            if (issuer == null) {
                return null;
            }
            TlsaRecord r = trustAnchorMatch(issuer);
            if (r != null) {
                return new TaPath(List.copyOf(path), issuer, issuer.getPublicKey(), r);
            }
            path.add(issuer);
            used.add(issuer);
            current = issuer;
        }
        return null;
    }

    /** A certificate above the leaf that matches a DANE-TA record although no path reaches it, or null. */
    X509Certificate unreachedTrustAnchor(List<X509Certificate> chain) {
        for (int i = 1; i < chain.size(); i++) {
            if (trustAnchorMatch(chain.get(i)) != null) {
                return chain.get(i);
            }
        }
        return null;
    }

    static boolean matches(TlsaRecord r, X509Certificate c) {
        byte[] selected;
        try {
            selected = r.selector() == TlsaRecord.SELECTOR_CERTIFICATE ? c.getEncoded() : spki(c);
        } catch (CertificateEncodingException | IllegalArgumentException e) {
            return false;
        }
        byte[] expected = r.data();
        switch (r.matchingType()) {
            case TlsaRecord.MATCH_FULL:
                return MessageDigest.isEqual(selected, expected);
            case TlsaRecord.MATCH_SHA256:
                return MessageDigest.isEqual(digest("SHA-256", selected), expected);
            case TlsaRecord.MATCH_SHA512:
                return MessageDigest.isEqual(digest("SHA-512", selected), expected);
            default:
                return false;
        }
    }

    /** The SHA-256 digests of a certificate's SPKI and DER, in hex, for an error message. */
    static String fingerprints(X509Certificate c) {
        try {
            HexFormat hex = HexFormat.of();
            return "public key SHA-256 " + hex.formatHex(digest("SHA-256", spki(c))) + " (TLSA 3 1 1) and certificate"
                    + " SHA-256 " + hex.formatHex(digest("SHA-256", c.getEncoded())) + " (TLSA 3 0 1)";
        } catch (CertificateEncodingException | IllegalArgumentException e) {
            return "an unreadable encoding";
        }
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JDK", e);
        }
    }

    private static boolean signedBy(X509Certificate c, PublicKey key) {
        try {
            c.verify(key);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static PublicKey decodeKey(byte[] spki) {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki));
            } catch (GeneralSecurityException | RuntimeException e) {
                // not a key of this algorithm; try the next
            }
        }
        return null;
    }

    /**
     * The DER SubjectPublicKeyInfo exactly as the certificate carries it (a re-encoding of the decoded key could
     * differ), read from the TBSCertificate: [0] version (optional), serialNumber, signature, issuer, validity,
     * subject, subjectPublicKeyInfo.
     *
     * @throws IllegalArgumentException if the encoding is malformed
     */
    static byte[] spki(X509Certificate c) throws CertificateEncodingException {
        byte[] tbs = c.getTBSCertificate();
        int i = contentStart(tbs, 0);
        if (read(tbs, i) == 0xa0) {
            i = end(tbs, i);
        }
        for (int skip = 0; skip < 5; skip++) {
            i = end(tbs, i);
        }
        int end = end(tbs, i);
        byte[] result = new byte[end - i];
        System.arraycopy(tbs, i, result, 0, result.length);
        return result;
    }

    private static int contentStart(byte[] der, int i) {
        int first = read(der, i + 1);
        return first < 0x80 ? i + 2 : i + 2 + (first & 0x7f);
    }

    private static int end(byte[] der, int i) {
        int first = read(der, i + 1);
        if (first < 0x80) {
            return check(der, i + 2 + first);
        }
        int n = first & 0x7f;
        if (n == 0 || n > 3) {
            throw new IllegalArgumentException("unsupported DER length at " + i);
        }
        int length = 0;
        for (int k = 0; k < n; k++) {
            length = (length << 8) | read(der, i + 2 + k);
        }
        return check(der, i + 2 + n + length);
    }

    private static int read(byte[] der, int index) {
        if (index < 0 || index >= der.length) {
            throw new IllegalArgumentException("truncated DER at " + index);
        }
        return der[index] & 0xff;
    }

    private static int check(byte[] der, int index) {
        if (index < 0 || index > der.length) {
            throw new IllegalArgumentException("truncated DER at " + index);
        }
        return index;
    }
}
