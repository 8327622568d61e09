package org.securemail.policy.internal;

import java.security.PublicKey;
import java.security.interfaces.DSAKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.XECKey;
import java.security.spec.NamedParameterSpec;
import javax.crypto.interfaces.DHKey;

/** Describes a public key's algorithm and size in the words error messages use. Not part of the public API. */
public final class KeyStrength {
    /** The key families SecureMail distinguishes. */
    public enum Family {
        /** RSA, including RSASSA-PSS keys. */
        RSA,
        /** Elliptic-curve (ECDSA/ECDH) keys. */
        EC,
        /** EdDSA and XDH keys (Curve25519, Curve448). */
        EDWARDS,
        /** Finite-field Diffie-Hellman keys. */
        DH,
        /** DSA keys: never acceptable. */
        DSA,
        /** Anything else. */
        OTHER
    }

    private KeyStrength() {
    }

    /**
     * Returns the family of a key.
     *
     * @param key the key
     * @return its family
     */
    public static Family family(PublicKey key) {
        if (key instanceof RSAKey) {
            return Family.RSA;
        }
        if (key instanceof ECKey) {
            return Family.EC;
        }
        if (key instanceof DHKey) {
            return Family.DH;
        }
        if (key instanceof DSAKey) {
            return Family.DSA;
        }
        String algorithm = key.getAlgorithm();
        if (key instanceof XECKey || algorithm.startsWith("Ed") || algorithm.equals("EdDSA")
                || algorithm.equals("XDH") || algorithm.startsWith("X25519") || algorithm.startsWith("X448")) {
            return Family.EDWARDS;
        }
        return Family.OTHER;
    }

    /**
     * Returns the size of a key in bits (modulus, field or prime size), or -1 when unknown.
     *
     * @param key the key
     * @return the size in bits
     */
    public static int bits(PublicKey key) {
        if (key instanceof RSAKey) {
            return ((RSAKey) key).getModulus().bitLength();
        }
        if (key instanceof ECKey) {
            return ((ECKey) key).getParams().getCurve().getField().getFieldSize();
        }
        if (key instanceof DHKey) {
            return ((DHKey) key).getParams().getP().bitLength();
        }
        if (key instanceof DSAKey && ((DSAKey) key).getParams() != null) {
            return ((DSAKey) key).getParams().getP().bitLength();
        }
        if (key instanceof XECKey && ((XECKey) key).getParams() instanceof NamedParameterSpec) {
            String curve = ((NamedParameterSpec) ((XECKey) key).getParams()).getName();
            return curve.equalsIgnoreCase("X448") ? 448 : 255;
        }
        String algorithm = key.getAlgorithm();
        if (algorithm.equals("Ed448") || algorithm.equals("X448")) {
            return 448;
        }
        if (algorithm.equals("Ed25519") || algorithm.equals("X25519")) {
            return 255;
        }
        if (algorithm.equals("EdDSA")) {
            // The JDK reports EdDSA for both curves; the encoded length tells them apart.
            byte[] encoded = key.getEncoded();
            return encoded != null && encoded.length > 44 ? 448 : 255;
        }
        return -1;
    }

    /**
     * Describes a key for messages, e.g. {@code "1024-bit RSA"}.
     *
     * @param key the key
     * @return the description
     */
    public static String describe(PublicKey key) {
        int bits = bits(key);
        String name = family(key) == Family.OTHER ? key.getAlgorithm() : family(key).name();
        if (family(key) == Family.EDWARDS) {
            name = key.getAlgorithm();
        }
        return bits > 0 ? bits + "-bit " + name : name;
    }
}
