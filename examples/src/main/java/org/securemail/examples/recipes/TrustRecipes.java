package org.securemail.examples.recipes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TrustSource;
import org.securemail.transport.Credentials;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;

/**
 * Which certificate authorities a client trusts: the JVM's trust store (the default), a corporate CA in a PEM file or
 * a PKCS#12 trust store, or a corporate CA next to the JVM's CAs. Whatever the source, host name, validity, key sizes
 * and signature algorithms are still checked; no recipe here turns verification off.
 */
public final class TrustRecipes {
    private TrustRecipes() {
    }

    /**
     * A sender that trusts the JVM's CA set: what every builder does unless told otherwise. The JDK reads that set
     * from its {@code cacerts}, or from the trust store the JVM was started with
     * ({@code -Djavax.net.ssl.trustStore=...}); SecureMail itself never reads or sets system properties.
     *
     * @param host the SMTP server
     * @param credentials the credentials
     * @return the sender
     */
    public static SmtpSender jvmTrustStore(String host, Credentials credentials) {
        return SecureMail.smtp(host)                        // TlsPolicy.MODERN, whose trust is TrustSource.system()
                .credentials(credentials)
                .build();
    }

    /**
     * A policy that trusts only the corporate CA certificates in a PEM file (one or more
     * {@code -----BEGIN CERTIFICATE-----} blocks): public CAs are no longer trusted by clients built with it.
     *
     * @param caPem the PEM file, read once now
     * @return the policy
     * @throws IllegalArgumentException if the file cannot be read or holds no certificate
     */
    public static TlsPolicy corporateCa(Path caPem) {
        return TlsPolicy.MODERN.toBuilder()
                .trust(TrustSource.pemFile(caPem))          // e.g. /etc/pki/corporate-root.pem
                .build();
    }

    /**
     * A policy that trusts the trusted-certificate entries of a PKCS#12 trust store, as made by
     * {@code keytool -importcert -storetype PKCS12 -keystore corporate-truststore.p12 -alias corp -file ca.pem}.
     *
     * @param trustStore the PKCS#12 file
     * @param password its password (a PKCS#12 file without one takes an empty array)
     * @return the policy
     * @throws IOException if the file cannot be read
     * @throws GeneralSecurityException if it is not a PKCS#12 file or the password is wrong
     * @throws IllegalArgumentException if it holds no trusted-certificate entry
     */
    public static TlsPolicy corporateTrustStore(Path trustStore, char[] password)
            throws IOException, GeneralSecurityException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            keyStore.load(in, password);
        }
        return TlsPolicy.MODERN.toBuilder()
                .trust(TrustSource.keyStore(keyStore))      // copied now: later changes to the file do not apply
                .build();
    }

    /**
     * A policy that trusts a corporate CA and, beside it, every CA the JVM trusts: for an application that sends
     * through an internal relay and a public provider with one policy. The JVM's CAs are read once, now.
     *
     * @param caPem the corporate CA's PEM file
     * @return the policy
     * @throws GeneralSecurityException if the JVM's trust store cannot be loaded
     * @throws IllegalArgumentException if the PEM file cannot be read or holds no certificate
     */
    public static TlsPolicy corporateCaAndJvmCas(Path caPem) throws GeneralSecurityException {
        List<X509Certificate> anchors = new ArrayList<>(TrustSource.pemFile(caPem).certificates());
        TrustManagerFactory jvm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        jvm.init((KeyStore) null);                          // the JVM's default trust store, as TrustSource.system()
        for (TrustManager tm : jvm.getTrustManagers()) {
            if (tm instanceof X509TrustManager) {
                anchors.addAll(List.of(((X509TrustManager) tm).getAcceptedIssuers()));
            }
        }
        return TlsPolicy.MODERN.toBuilder()
                .trust(TrustSource.certificates(anchors))
                .build();
    }
}
