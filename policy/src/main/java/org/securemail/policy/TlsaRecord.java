package org.securemail.policy;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One TLSA record (RFC 6698 §2.1): a certificate usage, a selector, a matching type and the association data, as
 * published in DNS for a TLS service.
 *
 * <p>Any octet value is representable, because DNS may carry values this library does not know; {@link #isUsable()}
 * says whether a record is one that DANE for SMTP (RFC 7672 §3.1) acts on. Instances are immutable.
 */
public final class TlsaRecord {

    /** Certificate usage 2, DANE-TA: the association data names a trust anchor of the server's chain. */
    public static final int DANE_TA = 2;
    /** Certificate usage 3, DANE-EE: the association data names the server's own certificate or key. */
    public static final int DANE_EE = 3;
    /** Selector 0: the whole certificate (DER). */
    public static final int SELECTOR_CERTIFICATE = 0;
    /** Selector 1: the certificate's SubjectPublicKeyInfo (DER). */
    public static final int SELECTOR_SPKI = 1;
    /** Matching type 0: the selected content itself. */
    public static final int MATCH_FULL = 0;
    /** Matching type 1: the SHA-256 digest of the selected content. */
    public static final int MATCH_SHA256 = 1;
    /** Matching type 2: the SHA-512 digest of the selected content. */
    public static final int MATCH_SHA512 = 2;

    private final int usage;
    private final int selector;
    private final int matchingType;
    private final byte[] data;

    private TlsaRecord(int usage, int selector, int matchingType, byte[] data) {
        this.usage = octet(usage, "usage");
        this.selector = octet(selector, "selector");
        this.matchingType = octet(matchingType, "matchingType");
        if (data == null) {
            throw new NullPointerException("data");
        }
        if (data.length == 0) {
            throw new IllegalArgumentException("TLSA association data must not be empty");
        }
        this.data = data.clone();
    }

    /**
     * Returns a record with the given fields.
     *
     * @param usage the certificate usage, 0 to 255
     * @param selector the selector, 0 to 255
     * @param matchingType the matching type, 0 to 255
     * @param data the certificate association data, not empty (copied)
     * @return the record
     * @throws IllegalArgumentException if a field is out of range or the data is empty
     * @throws NullPointerException if data is null
     */
    public static TlsaRecord of(int usage, int selector, int matchingType, byte[] data) {
        return new TlsaRecord(usage, selector, matchingType, data);
    }

    /**
     * Parses the presentation form {@code "3 1 1 0123abcd..."} (RFC 6698 §2.2), hex digits in any case, spaces allowed
     * inside the data.
     *
     * @param text the record's data in presentation form
     * @return the record
     * @throws IllegalArgumentException if the text is not four fields with hex data
     */
    public static TlsaRecord parse(String text) {
        String[] parts = text.trim().split("\\s+", 4);
        if (parts.length != 4) {
            throw new IllegalArgumentException("TLSA record must be 'usage selector matching-type hex-data': " + text);
        }
        try {
            return of(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
                    HexFormat.of().parseHex(parts[3].replaceAll("\\s+", "")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("TLSA record must be 'usage selector matching-type hex-data': " + text,
                    e);
        }
    }

    private static int octet(int value, String name) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("TLSA " + name + " must be 0..255: " + value);
        }
        return value;
    }

    /**

     * Returns the certificate usage.

     *

     * @return the certificate usage

     */
    public int usage() {
        return usage;
    }

    /**

     * Returns the selector.

     *

     * @return the selector

     */
    public int selector() {
        return selector;
    }

    /**

     * Returns the matching type.

     *

     * @return the matching type

     */
    public int matchingType() {
        return matchingType;
    }

    /**

     * Returns a copy of the certificate association data.

     *

     * @return a copy of the certificate association data

     */
    public byte[] data() {
        return data.clone();
    }

    /**
     * Says whether DANE for SMTP acts on this record: usage DANE-TA or DANE-EE, a known selector and matching type,
     * and data of the digest's length (RFC 7672 §3.1: PKIX usages 0 and 1 are not used for SMTP; unknown values make a
     * record unusable).
     *
     * @return true if the record is usable
     */
    public boolean isUsable() {
        if (usage != DANE_TA && usage != DANE_EE) {
            return false;
        }
        if (selector != SELECTOR_CERTIFICATE && selector != SELECTOR_SPKI) {
            return false;
        }
        switch (matchingType) {
            case MATCH_FULL:
                return true;
            case MATCH_SHA256:
                return data.length == 32;
            case MATCH_SHA512:
                return data.length == 64;
            default:
                return false;
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TlsaRecord)) {
            return false;
        }
        TlsaRecord r = (TlsaRecord) o;
        return usage == r.usage && selector == r.selector && matchingType == r.matchingType
                && Arrays.equals(data, r.data);
    }

    @Override
    public int hashCode() {
        return ((usage * 31 + selector) * 31 + matchingType) * 31 + Arrays.hashCode(data);
    }

    /**

     * Returns the presentation form, e.g. {@code 3 1 1 0123abcd}.

     *

     * @return the presentation form, e.g. {@code 3 1 1 0123abcd}

     */
    @Override
    public String toString() {
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data);
    }
}
