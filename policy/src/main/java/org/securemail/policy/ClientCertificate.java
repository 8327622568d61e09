package org.securemail.policy;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.securemail.policy.internal.KeyStrength;
import org.securemail.policy.internal.Pem;

/**
 * A client certificate and its private key, presented when the server asks for one (mutual TLS).
 *
 * <p>The key must be RSA of at least 2048 bits, EC of at least 256 bits, or EdDSA. {@link #toString()} shows the
 * certificate subject and key type, never key material. Instances are immutable.
 */
public final class ClientCertificate {
    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;

    private ClientCertificate(PrivateKey privateKey, List<X509Certificate> chain) {
        this.privateKey = privateKey;
        this.chain = chain;
    }

    /**
     * Returns a client certificate from a private key and its certificate chain, leaf first.
     *
     * @param privateKey the private key matching the leaf certificate
     * @param chain the leaf certificate, then any intermediates
     * @return the client certificate
     * @throws NullPointerException if an argument or a chain element is null
     * @throws IllegalArgumentException if the chain is empty, the key does not match the leaf, or the key is weak
     */
    public static ClientCertificate of(PrivateKey privateKey, List<X509Certificate> chain) {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(chain, "chain");
        List<X509Certificate> copy = new ArrayList<>(chain.size());
        for (X509Certificate c : chain) {
            copy.add(Objects.requireNonNull(c, "chain contains null"));
        }
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("chain is empty: a client certificate needs at least its leaf certificate");
        }
        PublicKey leafKey = copy.get(0).getPublicKey();
        if (!sameFamily(privateKey, leafKey)) {
            throw new IllegalArgumentException("privateKey does not match the leaf certificate: key is "
                    + privateKey.getAlgorithm() + ", certificate key is " + leafKey.getAlgorithm());
        }
        checkStrength(leafKey, copy.get(0));
        return new ClientCertificate(privateKey, Collections.unmodifiableList(copy));
    }

    /**
     * Returns the client certificate stored under an alias of a KeyStore (for example a PKCS#12 file).
     *
     * @param keyStore a loaded KeyStore
     * @param alias the alias of a private-key entry
     * @param password the entry's password; the array is not kept
     * @return the client certificate
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the alias is missing, is not a private-key entry, cannot be recovered
     *     with the password, or holds a weak key
     */
    public static ClientCertificate fromKeyStore(KeyStore keyStore, String alias, char[] password) {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(password, "password");
        try {
            if (!keyStore.isKeyEntry(alias)) {
                throw new IllegalArgumentException("keyStore has no private-key entry under alias '" + alias + "'");
            }
            PrivateKey key = (PrivateKey) keyStore.getKey(alias, password);
            Certificate[] certs = keyStore.getCertificateChain(alias);
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : certs) {
                chain.add((X509Certificate) c);
            }
            return of(key, chain);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the private-key entry '" + alias
                    + "' from keyStore (wrong password or unsupported entry): " + e.getMessage(), e);
        }
    }

    /**
     * Returns a client certificate from PEM text: an unencrypted PKCS#8 key ({@code -----BEGIN PRIVATE KEY-----})
     * and the certificate chain, leaf first.
     *
     * @param privateKeyPem the PKCS#8 private key in PEM
     * @param certificateChainPem the leaf certificate and any intermediates in PEM
     * @return the client certificate
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the PEM cannot be parsed, the key is encrypted or weak, or does not match
     */
    public static ClientCertificate fromPem(String privateKeyPem, String certificateChainPem) {
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        Objects.requireNonNull(certificateChainPem, "certificateChainPem");
        return of(Pem.privateKey(privateKeyPem), Pem.certificates(certificateChainPem, "client certificate PEM"));
    }

    private static boolean sameFamily(PrivateKey privateKey, PublicKey publicKey) {
        String a = privateKey.getAlgorithm();
        String b = publicKey.getAlgorithm();
        return a.equals(b) || (a.startsWith("RSA") && b.startsWith("RSA"))
                || (a.startsWith("Ed") && b.startsWith("Ed"));
    }

    private static void checkStrength(PublicKey key, X509Certificate leaf) {
        int bits = KeyStrength.bits(key);
        switch (KeyStrength.family(key)) {
            case RSA:
                if (bits < 2048) {
                    throw weak(leaf, key, "RSA keys must have at least 2048 bits");
                }
                return;
            case EC:
                if (bits < 256) {
                    throw weak(leaf, key, "EC keys must have at least 256 bits");
                }
                return;
            case EDWARDS:
                return;
            default:
                throw weak(leaf, key, "only RSA, EC and EdDSA keys are allowed");
        }
    }

    private static IllegalArgumentException weak(X509Certificate leaf, PublicKey key, String rule) {
        return new IllegalArgumentException("client certificate " + leaf.getSubjectX500Principal().getName()
                + " key is not allowed: " + KeyStrength.describe(key) + "; " + rule);
    }

    /**
     * Returns the private key.
     *
     * @return the private key
     */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /**
     * Returns the certificate chain, leaf first.
     *
     * @return an unmodifiable list with at least one certificate
     */
    public List<X509Certificate> chain() {
        return chain;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ClientCertificate)) {
            return false;
        }
        ClientCertificate other = (ClientCertificate) o;
        return chain.equals(other.chain) && privateKey.equals(other.privateKey);
    }

    @Override
    public int hashCode() {
        return chain.hashCode();
    }

    @Override
    public String toString() {
        return "ClientCertificate{subject=" + chain.get(0).getSubjectX500Principal().getName()
                + ", key=" + KeyStrength.describe(chain.get(0).getPublicKey()) + "}";
    }
}
