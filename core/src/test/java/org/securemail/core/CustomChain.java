package org.securemail.core;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
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
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made per run for chains TestPki does not make: an expired intermediate CA, an issuer that is not a CA.
 * RSA 2048 and SHA-256 throughout.
 */
final class CustomChain {
    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime() & 0xffffffL);

    /** A certificate and its key pair. */
    static final class Holder {
        final X509Certificate certificate;
        final KeyPair keys;

        Holder(X509Certificate certificate, KeyPair keys) {
            this.certificate = certificate;
            this.keys = keys;
        }
    }

    private CustomChain() {
    }

    /** A self-signed root CA, valid now. */
    static Holder root(String name) {
        KeyPair keys = rsa();
        X500Principal subject = new X500Principal("CN=" + name + ", O=SecureMail DANE Tests");
        return new Holder(sign(subject, keys, subject, keys, true, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)), new String[0]), keys);
    }

    /** A certificate issued by {@code issuer}: a CA or a TLS server certificate for {@code dnsNames}. */
    static Holder issue(Holder issuer, String name, boolean ca, Instant notBefore, Instant notAfter,
                        String... dnsNames) {
        KeyPair keys = rsa();
        X500Principal subject = new X500Principal("CN=" + name + ", O=SecureMail DANE Tests");
        return new Holder(sign(subject, keys, issuer.certificate.getSubjectX500Principal(), issuer.keys, ca, notBefore,
                notAfter, dnsNames), keys);
    }

    static Instant daysAgo(int days) {
        return Instant.now().minus(Duration.ofDays(days));
    }

    static Instant inDays(int days) {
        return Instant.now().plus(Duration.ofDays(days));
    }

    private static X509Certificate sign(X500Principal subject, KeyPair subjectKeys, X500Principal issuer,
                                        KeyPair issuerKeys, boolean ca, Instant notBefore, Instant notAfter,
                                        String[] dnsNames) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
                    subjectKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            }
            if (dnsNames.length > 0) {
                GeneralName[] names = new GeneralName[dnsNames.length];
                for (int i = 0; i < dnsNames.length; i++) {
                    names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException("cannot issue test certificate " + subject + ": " + e, e);
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
