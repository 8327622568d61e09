package org.securemail.core.internal;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.securemail.core.TlsRefusalReason;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TrustSource;
import org.securemail.policy.internal.KeyStrength;

/**
 * Checks a server's certificate chain against a policy: a path to a trust anchor (or a pinned key), validity dates,
 * key sizes and signature algorithms of every certificate in the path and of the anchor's key, the leaf's intended
 * use, and the host name (RFC 9525). Under a DANE trust source, RFC 7672's rules instead: a DANE-EE record that matches
 * the leaf leaves only the leaf's key size to check; a DANE-TA record needs the path, dates and use checks up to the
 * anchor and a leaf that names a reference name. Provider-independent: the same code runs for the JDK and Bouncy
 * Castle.
 *
 * <p>The checks that say whether the server is <em>authenticated</em> (trust, validity, pin, host name) always come
 * after the checks on the strength of the certificates, so that an opportunistic connection can accept the former and
 * still refuse the latter.
 */
final class CertificateVerifier {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String ANY_EKU = "2.5.29.37.0";
    private static final String RSASSA_PSS = "1.2.840.113549.1.1.10";
    /** Certificate signature algorithms allowed, by OID; RSASSA-PSS is checked by its hash separately. */
    private static final Map<String, String> ALLOWED_SIGNATURES = Map.of(
            "1.2.840.113549.1.1.11", "SHA256withRSA",
            "1.2.840.113549.1.1.12", "SHA384withRSA",
            "1.2.840.113549.1.1.13", "SHA512withRSA",
            "1.2.840.10045.4.3.2", "SHA256withECDSA",
            "1.2.840.10045.4.3.3", "SHA384withECDSA",
            "1.2.840.10045.4.3.4", "SHA512withECDSA",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");

    private final TlsPolicy policy;
    private final Set<TrustAnchor> anchors;
    /** The TLSA records of a DANE trust source, null for the other kinds. */
    private final DaneMatcher dane;

    CertificateVerifier(TlsPolicy policy) {
        this.policy = policy;
        this.anchors = anchors(policy.trust());
        this.dane = policy.trust().kind() == TrustSource.Kind.DANE
                ? new DaneMatcher(policy.trust().tlsaRecords()) : null;
    }

    private static Set<TrustAnchor> anchors(TrustSource trust) {
        Set<TrustAnchor> result = new HashSet<>();
        switch (trust.kind()) {
            case SYSTEM:
                for (X509Certificate c : systemCertificates()) {
                    result.add(new TrustAnchor(c, null));
                }
                if (result.isEmpty()) {
                    throw new IllegalStateException("the JDK's trust store holds no CA certificate;"
                            + " configure TrustSource.pem(...) or TrustSource.keyStore(...) instead");
                }
                break;
            case CERTIFICATES:
                for (X509Certificate c : trust.certificates()) {
                    result.add(new TrustAnchor(c, null));
                }
                break;
            default:
                break;
        }
        return result;
    }

    private static X509Certificate[] systemCertificates() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            for (javax.net.ssl.TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager) {
                    return ((X509TrustManager) tm).getAcceptedIssuers();
                }
            }
            return new X509Certificate[0];
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the JDK's trust store: " + e.getMessage(), e);
        }
    }

    /** Trust anchors offered to servers that ask for a client certificate (CA names). */
    X509Certificate[] acceptedIssuers() {
        return anchors.stream().map(TrustAnchor::getTrustedCert).toArray(X509Certificate[]::new);
    }

    /**
     * Verifies a chain for a host.
     *
     * @param chain the chain as presented, leaf first
     * @param host the normalised host
     * @return the host name verified
     * @throws Refusal naming the first rule broken
     */
    String verify(List<X509Certificate> chain, String host, Date now) throws Refusal {
        if (chain.isEmpty()) {
            throw new Refusal(TlsRefusalReason.HANDSHAKE_FAILED, "server sent no certificate");
        }
        if (dane != null) {
            return verifyDane(chain, host, now);
        }
        X509Certificate leaf = chain.get(0);
        Path path = buildPath(chain, now);
        if (path.failure != null) {
            checkStrength(chain, null);
            checkLeafUse(leaf);
            checkValidity(chain, now);
            throw path.failure;
        }
        checkStrength(path.certificates, path.anchor);
        checkAnchorKey(path.anchor);
        checkLeafUse(leaf);
        if (path.certificates.size() == 1 && path.anchor == leaf) {
            checkValidity(path.certificates, now);
        }
        if (!HostNames.matches(leaf, host)) {
            throw new Refusal(TlsRefusalReason.HOST_NAME_MISMATCH, "certificate does not name the host: leaf \""
                    + subject(leaf) + "\" is for " + HostNames.describe(leaf) + ", not " + host
                    + " (RFC 9525: subjectAltName only, the common name is ignored); connect with a name the"
                    + " certificate carries, or have the server's certificate reissued for " + host);
        }
        return host;
    }

    /**
     * DANE for SMTP (RFC 7672 §3.1, RFC 7671 §5): a DANE-EE match makes the leaf's key the server's whole identity, so
     * only its size is checked; a DANE-TA match needs a signature path from the leaf to the anchor, issuers that are
     * CAs, certificates below the anchor within their dates, and a leaf that names a reference name.
     *
     * @return the host connected to (DANE-EE) or the reference name the leaf carries (DANE-TA)
     */
    private String verifyDane(List<X509Certificate> chain, String host, Date now) throws Refusal {
        X509Certificate leaf = chain.get(0);
        if (dane.endEntityMatch(leaf) != null) {
            checkKey(leaf.getPublicKey(), "leaf \"" + subject(leaf) + "\"");
            return host;
        }
        DaneMatcher.TaPath path = dane.trustAnchorPath(chain);
        if (path == null) {
            checkStrength(chain, null);
            throw daneMismatch(chain);
        }
        for (int i = 0; i < path.below.size(); i++) {
            X509Certificate c = path.below.get(i);
            String role = i == 0 ? "leaf" : "intermediate";
            checkKey(c.getPublicKey(), role + " \"" + subject(c) + "\"");
            checkSignature(c, role);
        }
        String anchorName = path.anchorCertificate != null
                ? "DANE-TA trust anchor \"" + subject(path.anchorCertificate) + "\""
                : "DANE-TA trust anchor key of TLSA record " + abbreviate(path.record);
        checkKey(path.anchorKey, anchorName);
        checkLeafUse(leaf);
        for (int i = 1; i <= path.below.size(); i++) {
            X509Certificate issuer = i < path.below.size() ? path.below.get(i) : path.anchorCertificate;
            // i - 1 intermediates sit between this issuer and the leaf.
            if (issuer != null && issuer.getBasicConstraints() < i - 1) {
                throw new Refusal(TlsRefusalReason.CERTIFICATE_UNTRUSTED, "certificate chain to the DANE-TA trust"
                        + " anchor is not a valid path: \"" + subject(issuer) + "\" signs certificates below it but"
                        + (issuer.getBasicConstraints() < 0 ? " is not a CA (basicConstraints)"
                        : " allows only " + issuer.getBasicConstraints() + " intermediates below it (pathLen)")
                        + "; the server's operator must fix the chain or its TLSA records");
            }
        }
        checkValidity(path.below, now);
        for (String name : policy.trust().referenceNames()) {
            if (HostNames.matches(leaf, name)) {
                return name;
            }
        }
        throw new Refusal(TlsRefusalReason.HOST_NAME_MISMATCH, "certificate does not name the mail exchanger: leaf \""
                + subject(leaf) + "\" is for " + HostNames.describe(leaf) + ", none of the DANE reference names "
                + policy.trust().referenceNames() + " (RFC 7672 §3.2.2: a DANE-TA chain's leaf must carry the TLSA"
                + " base domain or the MX host name as a subjectAltName); the server's certificate must be reissued"
                + " for its MX host name, or its TLSA records changed to DANE-EE (3 1 1)");
    }

    private Refusal daneMismatch(List<X509Certificate> chain) {
        X509Certificate leaf = chain.get(0);
        List<String> records = new ArrayList<>();
        for (org.securemail.policy.TlsaRecord r : policy.trust().tlsaRecords()) {
            records.add(abbreviate(r));
        }
        X509Certificate unreached = dane.unreachedTrustAnchor(chain);
        String actual = unreached != null
                ? "\"" + subject(unreached) + "\" matches a DANE-TA record, but the leaf \"" + subject(leaf)
                        + "\" does not chain up to it (each certificate signed by the next)"
                : "leaf \"" + subject(leaf) + "\" has " + DaneMatcher.fingerprints(leaf) + ", and no certificate"
                        + " of its chain of " + chain.size() + " is a DANE-TA anchor";
        int n = dane.size();
        return new Refusal(TlsRefusalReason.DANE_MISMATCH, "presented a certificate that matches none of its " + n
                + " DNSSEC-signed TLSA record" + (n == 1 ? "" : "s") + " (DANE, RFC 7672): " + actual
                + "; the records are " + records + "; either the server's certificate changed without its TLSA"
                + " records, or another server answered: its operator must publish records for the certificate it"
                + " serves (or serve the one they name)");
    }

    /** A record in presentation form, shortened when it holds a full certificate or key (matching type 0). */
    private static String abbreviate(org.securemail.policy.TlsaRecord r) {
        String text = r.toString();
        return text.length() <= 140 ? text : text.substring(0, 32) + "…(" + r.data().length + " bytes)";
    }

    private static final class Path {
        final List<X509Certificate> certificates;
        final X509Certificate anchor;
        final Refusal failure;

        Path(List<X509Certificate> certificates, X509Certificate anchor, Refusal failure) {
            this.certificates = certificates;
            this.anchor = anchor;
            this.failure = failure;
        }
    }

    private Path buildPath(List<X509Certificate> chain, Date now) {
        if (policy.trust().kind() == TrustSource.Kind.PINNED_KEYS) {
            Set<String> pins = policy.trust().pins();
            for (int i = 0; i < chain.size(); i++) {
                X509Certificate c = chain.get(i);
                if (pins.contains(TrustSource.spkiPin(c))) {
                    if (i == 0) {
                        return new Path(List.of(c), c, null);
                    }
                    return pkix(chain, Set.of(new TrustAnchor(c, null)), now);
                }
            }
            return new Path(null, null, new Refusal(TlsRefusalReason.CERTIFICATE_PIN_MISMATCH,
                    "no certificate in the chain carries a pinned key: leaf \"" + subject(chain.get(0))
                            + "\" has " + TrustSource.spkiPin(chain.get(0)) + ", the policy pins "
                            + policy.trust().pins() + "; if the server's key changed on purpose, pin the new key"));
        }
        return pkix(chain, anchors, now);
    }

    private Path pkix(List<X509Certificate> chain, Set<TrustAnchor> trustAnchors, Date now) {
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(chain.get(0));
            PKIXBuilderParameters params = new PKIXBuilderParameters(trustAnchors, target);
            params.setRevocationEnabled(false);
            params.setDate(now);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(chain)));
            PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX")
                    .build(params);
            List<X509Certificate> certs = new ArrayList<>();
            for (java.security.cert.Certificate c : result.getCertPath().getCertificates()) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                certs.add(chain.get(0));
            }
            return new Path(certs, result.getTrustAnchor().getTrustedCert(), null);
        } catch (InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("no trust anchor configured", e);
        } catch (GeneralSecurityException e) {
            return new Path(null, null, untrusted(chain));
        }
    }

    private Refusal untrusted(List<X509Certificate> chain) {
        X509Certificate leaf = chain.get(0);
        if (chain.size() == 1 && isSelfSigned(leaf)) {
            return new Refusal(TlsRefusalReason.CERTIFICATE_SELF_SIGNED, "self-signed certificate not trusted:"
                    + " \"" + subject(leaf) + "\"; if this is your own relay, pin its key with"
                    + " TrustSource.pinnedKeys(\"" + TrustSource.spkiPin(leaf) + "\")");
        }
        X509Certificate last = chain.get(chain.size() - 1);
        if (isSelfSigned(last)) {
            return new Refusal(TlsRefusalReason.CERTIFICATE_UNTRUSTED, "certificate chain ends at a root the policy"
                    + " does not trust: \"" + subject(last) + "\" (trust " + policy.trust().kind()
                    + "); add that CA to the trust source only if you trust it");
        }
        if (last.getBasicConstraints() < 0) {
            return new Refusal(TlsRefusalReason.CERTIFICATE_CHAIN_INCOMPLETE, "server sent no intermediate"
                    + " certificate: \"" + subject(last) + "\" is issued by \"" + last.getIssuerX500Principal().getName()
                    + "\", which is not a trust anchor (trust " + policy.trust().kind()
                    + "); the server must send its intermediate certificates with its own");
        }
        return new Refusal(TlsRefusalReason.CERTIFICATE_UNTRUSTED, "certificate chain leads to an authority the"
                + " policy does not trust: \"" + last.getIssuerX500Principal().getName() + "\" (trust "
                + policy.trust().kind() + "); add that CA to the trust source only if you trust it");
    }

    /**
     * Key sizes and signature algorithms of the given certificates. A trust anchor's own signature is not checked:
     * the anchor given, or, when the path is not known (anchor null), any self-signed certificate.
     */
    private void checkStrength(List<X509Certificate> certificates, X509Certificate anchor) throws Refusal {
        for (int i = 0; i < certificates.size(); i++) {
            X509Certificate c = certificates.get(i);
            String role = i == 0 ? "leaf" : "intermediate";
            checkKey(c.getPublicKey(), role + " \"" + subject(c) + "\"");
            boolean anchorSelfSignature = anchor == null ? isSelfSigned(c) : c == anchor;
            if (!anchorSelfSignature) {
                checkSignature(c, role);
            }
        }
    }

    private void checkAnchorKey(X509Certificate anchor) throws Refusal {
        checkKey(anchor.getPublicKey(), "trust anchor \"" + subject(anchor) + "\"");
    }

    private void checkKey(PublicKey key, String which) throws Refusal {
        int bits = KeyStrength.bits(key);
        String fix = "; the server needs a certificate with an RSA key of " + policy.minimumRsaKeyBits()
                + " bits or more, or an EC key of " + policy.minimumEcKeyBits() + " bits or more";
        switch (KeyStrength.family(key)) {
            case RSA:
                if (bits < policy.minimumRsaKeyBits()) {
                    throw new Refusal(TlsRefusalReason.CERTIFICATE_KEY_TOO_WEAK, "certificate key below the policy"
                            + " minimum: " + which + " has a " + bits + "-bit RSA key (minimum "
                            + policy.minimumRsaKeyBits() + " bits)" + fix);
                }
                return;
            case EC:
                if (bits < policy.minimumEcKeyBits()) {
                    throw new Refusal(TlsRefusalReason.CERTIFICATE_KEY_TOO_WEAK, "certificate key below the policy"
                            + " minimum: " + which + " has a " + bits + "-bit EC key (minimum "
                            + policy.minimumEcKeyBits() + " bits)" + fix);
                }
                return;
            case EDWARDS:
                return;
            default:
                throw new Refusal(TlsRefusalReason.CERTIFICATE_KEY_TOO_WEAK, "certificate key type not allowed: "
                        + which + " has a " + KeyStrength.describe(key) + " key (only RSA, EC and EdDSA)" + fix);
        }
    }

    private static void checkSignature(X509Certificate c, String role) throws Refusal {
        String oid = c.getSigAlgOID();
        if (ALLOWED_SIGNATURES.containsKey(oid)) {
            return;
        }
        if (RSASSA_PSS.equals(oid) && pssHashAllowed(c)) {
            return;
        }
        throw new Refusal(TlsRefusalReason.CERTIFICATE_SIGNATURE_WEAK, "certificate signature algorithm not"
                + " allowed: " + role + " \"" + subject(c) + "\" is signed with " + c.getSigAlgName()
                + " (SHA-1, MD5 and SHA-224 signatures are forbidden); its CA must reissue it with SHA-256 or"
                + " stronger");
    }

    private static boolean pssHashAllowed(X509Certificate c) {
        byte[] encoded = c.getSigAlgParams();
        if (encoded == null) {
            return false; // PSS with default parameters means SHA-1
        }
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("RSASSA-PSS");
            params.init(encoded);
            String digest = params.getParameterSpec(PSSParameterSpec.class).getDigestAlgorithm()
                    .replace("-", "").toUpperCase(java.util.Locale.ROOT);
            return digest.equals("SHA256") || digest.equals("SHA384") || digest.equals("SHA512");
        } catch (GeneralSecurityException | java.io.IOException e) {
            return false;
        }
    }

    private static void checkLeafUse(X509Certificate leaf) throws Refusal {
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku != null && !eku.contains(SERVER_AUTH) && !eku.contains(ANY_EKU)) {
                throw new Refusal(TlsRefusalReason.CERTIFICATE_NOT_FOR_SERVER, "leaf certificate is not for TLS"
                        + " servers: \"" + subject(leaf) + "\" has extended key usage " + eku
                        + " without serverAuth; the server needs a TLS server certificate");
            }
        } catch (CertificateParsingException e) {
            throw new Refusal(TlsRefusalReason.CERTIFICATE_NOT_FOR_SERVER, "leaf certificate has an unreadable"
                    + " extended key usage: \"" + subject(leaf) + "\"");
        }
        boolean[] ku = leaf.getKeyUsage();
        if (ku != null && (ku.length == 0 || !ku[0])) {
            throw new Refusal(TlsRefusalReason.CERTIFICATE_NOT_FOR_SERVER, "leaf certificate is not for TLS servers:"
                    + " \"" + subject(leaf) + "\" key usage lacks digitalSignature, which forward-secret handshakes"
                    + " need; the server needs a TLS server certificate");
        }
    }

    private static void checkValidity(List<X509Certificate> chain, Date now) throws Refusal {
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            String role = i == 0 ? "leaf" : "chain certificate";
            try {
                c.checkValidity(now);
            } catch (CertificateExpiredException e) {
                throw new Refusal(TlsRefusalReason.CERTIFICATE_EXPIRED, "certificate expired: " + role + " \""
                        + subject(c) + "\" was valid until " + c.getNotAfter().toInstant()
                        + "; the server needs a renewed certificate");
            } catch (CertificateNotYetValidException e) {
                throw new Refusal(TlsRefusalReason.CERTIFICATE_NOT_YET_VALID, "certificate not valid yet: " + role
                        + " \"" + subject(c) + "\" is valid from " + c.getNotBefore().toInstant()
                        + "; check the clocks of this machine and the server");
            }
        }
    }

    static boolean isSelfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }
}
