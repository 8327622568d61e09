package org.securemail.policy.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM parsing for certificates and unencrypted PKCS#8 private keys. Not part of the public API. */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

    private Pem() {
    }

    /**
     * Parses every CERTIFICATE block in the text.
     *
     * @param pem the PEM text
     * @param what what the text is, for error messages
     * @return the certificates in order, never empty
     */
    public static List<X509Certificate> certificates(String pem, String what) {
        List<X509Certificate> result = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        int blocks = 0;
        while (m.find()) {
            blocks++;
            if (!m.group(1).equals("CERTIFICATE")) {
                continue;
            }
            result.add(certificate(decode(m.group(2), what), what));
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException(what + " holds no PEM certificate: found " + blocks
                    + " PEM block(s) and none is '-----BEGIN CERTIFICATE-----'");
        }
        return result;
    }

    /**
     * Parses the single PRIVATE KEY block (unencrypted PKCS#8) in the text.
     *
     * @param pem the PEM text
     * @return the key
     */
    public static PrivateKey privateKey(String pem) {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            if (type.equals("PRIVATE KEY")) {
                return pkcs8(decode(m.group(2), "private key PEM"));
            }
            if (type.equals("ENCRYPTED PRIVATE KEY")) {
                throw new IllegalArgumentException("private key PEM is encrypted, which is not supported;"
                        + " load it from a PKCS#12 KeyStore with ClientCertificate.fromKeyStore instead");
            }
            if (type.equals("RSA PRIVATE KEY") || type.equals("EC PRIVATE KEY")) {
                throw new IllegalArgumentException("private key PEM is in the legacy '" + type + "' format;"
                        + " convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
            }
        }
        throw new IllegalArgumentException("private key PEM holds no '-----BEGIN PRIVATE KEY-----' block");
    }

    private static PrivateKey pkcs8(byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException wrongAlgorithm) {
                // try the next key type
            }
        }
        throw new IllegalArgumentException("private key PEM is not an RSA, EC or EdDSA PKCS#8 key");
    }

    private static byte[] decode(String base64, String what) {
        try {
            return Base64.getMimeDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " has a PEM block that is not valid base64", e);
        }
    }

    private static X509Certificate certificate(byte[] der, String what) {
        try {
            Collection<? extends Certificate> parsed = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(der));
            if (parsed.size() != 1) {
                throw new IllegalArgumentException(what + " has a CERTIFICATE block that is not one certificate");
            }
            return (X509Certificate) parsed.iterator().next();
        } catch (CertificateException e) {
            throw new IllegalArgumentException(what + " has a CERTIFICATE block that is not a valid X.509 certificate: "
                    + e.getMessage(), e);
        }
    }
}
