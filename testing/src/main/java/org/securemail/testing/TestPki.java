package org.securemail.testing;

import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI generated in memory for one test run: a root CA, an intermediate CA, and leaf certificates
 * with exactly the properties a test asks for (expired, wrong host, weak key, SHA-1 signature, ...).
 *
 * <p>Nothing is written to disk unless a test asks for PEM text; nothing is registered with the JVM.
 */
public final class TestPki {
    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime() & 0xffffffL);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Issued root;
    private final Issued intermediate;

    private TestPki(String name) {
        KeyPair rootKeys = rsa(2048);
        Instant now = Instant.now();
        X500Principal rootName = new X500Principal("CN=" + name + " Root CA, O=SecureMail Tests");
        X509Certificate rootCert = sign(rootName, rootKeys.getPublic(), rootName, rootKeys.getPrivate(),
                rootKeys.getPublic(), "SHA256withRSA", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)),
                true, List.of(), List.of());
        this.root = new Issued(rootKeys.getPrivate(), List.of(rootCert));
        KeyPair intKeys = rsa(2048);
        X500Principal intName = new X500Principal("CN=" + name + " Intermediate CA, O=SecureMail Tests");
        X509Certificate intCert = sign(intName, intKeys.getPublic(), rootName, rootKeys.getPrivate(),
                rootKeys.getPublic(), "SHA256withRSA", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1825)),
                true, List.of(), List.of());
        this.intermediate = new Issued(intKeys.getPrivate(), List.of(intCert, rootCert));
    }

    /**
     * Creates a new PKI (root and intermediate CA, RSA 2048, SHA-256).
     *
     * @param name a name that appears in the CA subjects
     * @return the PKI
     */
    public static TestPki create(String name) {
        return new TestPki(name);
    }

    /**
     * Returns the root CA certificate (the trust anchor to configure in clients).
     *
     * @return the root CA certificate (the trust anchor to configure in clients)
     */
    public X509Certificate rootCertificate() {
        return root.certificate();
    }

    /**
     * Returns the intermediate CA certificate.
     *
     * @return the intermediate CA certificate
     */
    public X509Certificate intermediateCertificate() {
        return intermediate.certificate();
    }

    /**
     * Returns PEM text of the root CA certificate.
     *
     * @return PEM text of the root CA certificate
     */
    public String rootPem() {
        return pem(root.certificate());
    }

    /**
     * Returns a builder for a leaf certificate issued by the intermediate CA.
     *
     * @return a builder for a leaf certificate issued by the intermediate CA
     */
    public LeafBuilder leaf() {
        return new LeafBuilder(this);
    }

    /**
     * Returns a builder for a leaf certificate valid for {@code localhost} and {@code 127.0.0.1}.
     *
     * @return a builder for a leaf certificate valid for {@code localhost} and {@code 127.0.0.1}
     */
    public LeafBuilder localhostLeaf() {
        return leaf().dnsNames("localhost").ipAddresses("127.0.0.1", "::1");
    }

    /**
     * Returns the PEM text of a certificate.
     *
     * @param certificate the certificate
     * @return PEM text
     */
    public static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Returns the PEM text (unencrypted PKCS#8) of a private key.
     *
     * @param key the key
     * @return PEM text
     */
    public static String pem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** A certificate chain (leaf first) and the leaf's private key. */
    public static final class Issued {
        private final PrivateKey privateKey;
        private final List<X509Certificate> chain;

        Issued(PrivateKey privateKey, List<X509Certificate> chain) {
            this.privateKey = privateKey;
            this.chain = List.copyOf(chain);
        }

        /**
         * Returns the leaf's private key.
         *
         * @return the leaf's private key
         */
        public PrivateKey privateKey() {
            return privateKey;
        }

        /**
         * Returns the leaf certificate.
         *
         * @return the leaf certificate
         */
        public X509Certificate certificate() {
            return chain.get(0);
        }

        /**
         * Returns the chain a server should send: leaf, intermediate (the root is not sent).
         *
         * @return the chain a server should send: leaf, intermediate (the root is not sent)
         */
        public List<X509Certificate> chain() {
            return chain;
        }

        /**
         * Returns a copy of this chain with only the leaf, as a misconfigured server sends it.
         *
         * @return a copy of this chain with only the leaf, as a misconfigured server sends it
         */
        public Issued withoutIntermediates() {
            return new Issued(privateKey, List.of(chain.get(0)));
        }

        /**
         * Returns PEM text of the chain.
         *
         * @return PEM text of the chain
         */
        public String chainPem() {
            StringBuilder sb = new StringBuilder();
            for (X509Certificate c : chain) {
                sb.append(pem(c));
            }
            return sb.toString();
        }

        /**
         * Returns PEM text of the private key.
         *
         * @return PEM text of the private key
         */
        public String keyPem() {
            return pem(privateKey);
        }

        /**
         * Returns an in-memory PKCS#12 KeyStore with this key and chain under the alias {@code "key"}.
         *
         * @param password the store and key password
         * @return the key store
         */
        public KeyStore keyStore(char[] password) {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("key", privateKey, password, chain.toArray(new X509Certificate[0]));
                return ks;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Builds one leaf certificate with the properties a test needs. */
    public static final class LeafBuilder {
        private final TestPki pki;
        private final List<String> dnsNames = new ArrayList<>();
        private final List<String> ipAddresses = new ArrayList<>();
        private String commonName = "SecureMail test server";
        private String keyType = "RSA";
        private int rsaBits = 2048;
        private String curve = "secp256r1";
        private String signatureAlgorithm = "SHA256withRSA";
        private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        private Instant notAfter = Instant.now().plus(Duration.ofDays(30));
        private boolean selfSigned;
        private boolean issuedByRoot;
        private boolean clientAuth;
        private TestPki otherPki;

        LeafBuilder(TestPki pki) {
            this.pki = pki;
        }

        /**
         * Adds subjectAltName dNSName entries.
         *
         * @param names subjectAltName dNSName entries
         * @return this builder
         */
        public LeafBuilder dnsNames(String... names) {
            dnsNames.addAll(List.of(names));
            return this;
        }

        /**
         * Adds subjectAltName iPAddress entries.
         *
         * @param addresses subjectAltName iPAddress entries
         * @return this builder
         */
        public LeafBuilder ipAddresses(String... addresses) {
            ipAddresses.addAll(List.of(addresses));
            return this;
        }

        /**
         * Sets the subject common name.
         *
         * @param cn the subject common name
         * @return this builder
         */
        public LeafBuilder commonName(String cn) {
            this.commonName = cn;
            return this;
        }

        /**
         * Gives the leaf an RSA key of this size (2048 bits unless set).
         *
         * @param bits RSA key size for the leaf
         * @return this builder
         */
        public LeafBuilder rsa(int bits) {
            this.keyType = "RSA";
            this.rsaBits = bits;
            return this;
        }

        /**
         * Gives the leaf an EC key on this curve.
         *
         * @param curveName EC curve for the leaf, e.g. secp256r1
         * @return this builder
         */
        public LeafBuilder ec(String curveName) {
            this.keyType = "EC";
            this.curve = curveName;
            return this;
        }

        /**
         * Sets the issuer's signature algorithm (SHA256withRSA unless set).
         *
         * @param algorithm the issuer's signature algorithm, e.g. SHA1withRSA
         * @return this builder
         */
        public LeafBuilder signatureAlgorithm(String algorithm) {
            this.signatureAlgorithm = algorithm;
            return this;
        }

        /**
         * Makes the certificate expired since yesterday.
         *
         * @return this builder
         */
        public LeafBuilder expired() {
            this.notBefore = Instant.now().minus(Duration.ofDays(30));
            this.notAfter = Instant.now().minus(Duration.ofDays(1));
            return this;
        }

        /**
         * Makes the certificate valid only from tomorrow.
         *
         * @return this builder
         */
        public LeafBuilder notYetValid() {
            this.notBefore = Instant.now().plus(Duration.ofDays(1));
            this.notAfter = Instant.now().plus(Duration.ofDays(30));
            return this;
        }

        /**
         * Makes the certificate sign itself instead of being issued by the intermediate.
         *
         * @return this builder
         */
        public LeafBuilder selfSigned() {
            this.selfSigned = true;
            return this;
        }

        /**
         * Makes the root CA issue the leaf directly (no intermediate).
         *
         * @return this builder
         */
        public LeafBuilder issuedByRoot() {
            this.issuedByRoot = true;
            return this;
        }

        /**
         * Adds the clientAuth extended key usage (for client certificates).
         *
         * @return this builder
         */
        public LeafBuilder forClient() {
            this.clientAuth = true;
            return this;
        }

        /**
         * Has another PKI's intermediate issue the leaf, so that the chain leads to a root the client does not trust.
         *
         * @param other the other PKI
         * @return this
         */
        public LeafBuilder issuedBy(TestPki other) {
            this.otherPki = other;
            return this;
        }

        /**
         * Returns the issued certificate, its chain and key.
         *
         * @return the issued certificate, its chain and key
         */
        public Issued issue() {
            KeyPair keys = keyType.equals("RSA") ? TestPki.rsa(rsaBits) : TestPki.ec(curve);
            X500Principal subject = new X500Principal("CN=" + commonName + ", O=SecureMail Tests");
            String sigAlg = signatureAlgorithm;
            if (selfSigned) {
                if (keyType.equals("EC") && sigAlg.endsWith("withRSA")) {
                    sigAlg = sigAlg.replace("withRSA", "withECDSA");
                }
                X509Certificate cert = sign(subject, keys.getPublic(), subject, keys.getPrivate(), keys.getPublic(),
                        sigAlg, notBefore, notAfter, false, dnsNames, ipAddresses, clientAuth);
                return new Issued(keys.getPrivate(), List.of(cert));
            }
            TestPki issuerPki = otherPki != null ? otherPki : pki;
            Issued issuer = issuedByRoot ? issuerPki.root : issuerPki.intermediate;
            X509Certificate cert = sign(subject, keys.getPublic(), issuer.certificate().getSubjectX500Principal(),
                    issuer.privateKey(), issuer.certificate().getPublicKey(), sigAlg, notBefore, notAfter, false,
                    dnsNames, ipAddresses, clientAuth);
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(cert);
            if (!issuedByRoot) {
                chain.add(issuer.certificate());
            }
            return new Issued(keys.getPrivate(), chain);
        }
    }

    private static X509Certificate sign(X500Principal subject, PublicKey subjectKey, X500Principal issuer,
                                        PrivateKey issuerKey, PublicKey issuerPublicKey, String sigAlg,
                                        Instant notBefore, Instant notAfter, boolean ca,
                                        List<String> dnsNames, List<String> ipAddresses) {
        return sign(subject, subjectKey, issuer, issuerKey, issuerPublicKey, sigAlg, notBefore, notAfter, ca,
                dnsNames, ipAddresses, false);
    }

    private static X509Certificate sign(X500Principal subject, PublicKey subjectKey, X500Principal issuer,
                                        PrivateKey issuerKey, PublicKey issuerPublicKey, String sigAlg,
                                        Instant notBefore, Instant notAfter, boolean ca,
                                        List<String> dnsNames, List<String> ipAddresses, boolean clientAuth) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    subject, subjectKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerPublicKey));
            if (ca) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(clientAuth
                        ? new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth}
                        : new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth}));
                List<GeneralName> names = new ArrayList<>();
                for (String dns : dnsNames) {
                    names.add(new GeneralName(GeneralName.dNSName, dns));
                }
                for (String ip : ipAddresses) {
                    names.add(new GeneralName(GeneralName.iPAddress, ip));
                }
                if (!names.isEmpty()) {
                    b.addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(new GeneralName[0])));
                }
            }
            ContentSigner signer = new JcaContentSignerBuilder(sigAlg).build(issuerKey);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (Exception e) {
            throw new IllegalStateException("cannot issue test certificate " + subject + ": " + e, e);
        }
    }

    private static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits, RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Returns the loopback address as a literal, checking that it resolves locally.
     *
     * @return {@code 127.0.0.1}
     */
    public static String loopback() {
        try {
            return InetAddress.getByName("127.0.0.1").getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a PEM bundle of several certificates.
     *
     * @param certificates the certificates
     * @return PEM text
     */
    public static String pem(List<X509Certificate> certificates) {
        StringWriter w = new StringWriter();
        for (X509Certificate c : certificates) {
            w.write(pem(c));
        }
        return w.toString();
    }
}
