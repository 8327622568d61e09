package org.securemail.relay;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One kind of failed TLS session, as a TLS report's {@code failure-details} entry describes it (RFC 8460 §4.4): the
 * result type and where it happened. Sessions that fail alike are counted together, so equal values are one entry.
 *
 * <pre>{@code
 * TlsReportFailure f = TlsReportFailure.builder(TlsReportResultType.CERTIFICATE_HOST_MISMATCH)
 *         .receivingMxHostname("mx1.example.com")
 *         .receivingIp(mxAddress)
 *         .build();
 * }</pre>
 */
public final class TlsReportFailure {
    private final TlsReportResultType resultType;
    private final String sendingMtaIp;
    private final String receivingMxHostname;
    private final String receivingMxHelo;
    private final String receivingIp;
    private final String additionalInformation;
    private final String failureReasonCode;

    private TlsReportFailure(Builder b) {
        this.resultType = b.resultType;
        this.sendingMtaIp = b.sendingMtaIp;
        this.receivingMxHostname = b.receivingMxHostname;
        this.receivingMxHelo = b.receivingMxHelo;
        this.receivingIp = b.receivingIp;
        this.additionalInformation = b.additionalInformation;
        this.failureReasonCode = b.failureReasonCode;
    }

    /**
     * Returns a builder.
     *
     * @param resultType what failed
     * @return a new builder with every optional field empty
     * @throws NullPointerException if {@code resultType} is null
     */
    public static Builder builder(TlsReportResultType resultType) {
        return new Builder(resultType);
    }

    /**
     * Returns the result type.
     *
     * @return the type
     */
    public TlsReportResultType resultType() {
        return resultType;
    }

    /**
     * Returns the sending MTA's address ({@code sending-mta-ip}).
     *
     * @return the address literal, or empty
     */
    public Optional<String> sendingMtaIp() {
        return Optional.ofNullable(sendingMtaIp);
    }

    /**
     * Returns the MX host name ({@code receiving-mx-hostname}).
     *
     * @return the host name, or empty
     */
    public Optional<String> receivingMxHostname() {
        return Optional.ofNullable(receivingMxHostname);
    }

    /**
     * Returns the name the MX gave in its greeting or EHLO response ({@code receiving-mx-helo}).
     *
     * @return the name, or empty
     */
    public Optional<String> receivingMxHelo() {
        return Optional.ofNullable(receivingMxHelo);
    }

    /**
     * Returns the MX's address ({@code receiving-ip}).
     *
     * @return the address literal, or empty
     */
    public Optional<String> receivingIp() {
        return Optional.ofNullable(receivingIp);
    }

    /**
     * Returns the URI pointing at more information ({@code additional-information}).
     *
     * @return the URI, or empty
     */
    public Optional<String> additionalInformation() {
        return Optional.ofNullable(additionalInformation);
    }

    /**
     * Returns the short code that narrows the result type down ({@code failure-reason-code}).
     *
     * @return the code, or empty
     */
    public Optional<String> failureReasonCode() {
        return Optional.ofNullable(failureReasonCode);
    }

    /**
     * Compares all fields.
     *
     * @param o another object
     * @return true for an equal failure
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TlsReportFailure)) {
            return false;
        }
        TlsReportFailure f = (TlsReportFailure) o;
        return resultType == f.resultType && Objects.equals(sendingMtaIp, f.sendingMtaIp)
                && Objects.equals(receivingMxHostname, f.receivingMxHostname)
                && Objects.equals(receivingMxHelo, f.receivingMxHelo) && Objects.equals(receivingIp, f.receivingIp)
                && Objects.equals(additionalInformation, f.additionalInformation)
                && Objects.equals(failureReasonCode, f.failureReasonCode);
    }

    @Override
    public int hashCode() {
        return Objects.hash(resultType, sendingMtaIp, receivingMxHostname, receivingMxHelo, receivingIp,
                additionalInformation, failureReasonCode);
    }

    @Override
    public String toString() {
        return "TlsReportFailure{" + resultType.wireName()
                + (receivingMxHostname == null ? "" : ", mx " + receivingMxHostname)
                + (receivingIp == null ? "" : ", ip " + receivingIp)
                + (failureReasonCode == null ? "" : ", code " + failureReasonCode) + "}";
    }

    /** Builds a {@link TlsReportFailure}. Each setter checks its argument at once; the last call wins. */
    public static final class Builder {
        private final TlsReportResultType resultType;
        private String sendingMtaIp;
        private String receivingMxHostname;
        private String receivingMxHelo;
        private String receivingIp;
        private String additionalInformation;
        private String failureReasonCode;

        private Builder(TlsReportResultType resultType) {
            this.resultType = Objects.requireNonNull(resultType, "resultType");
        }

        /**
         * Sets the sending MTA's address.
         *
         * @param address the address the session came from
         * @return this builder
         * @throws NullPointerException if {@code address} is null
         */
        public Builder sendingMtaIp(InetAddress address) {
            this.sendingMtaIp = Objects.requireNonNull(address, "address").getHostAddress();
            return this;
        }

        /**
         * Sets the MX host name.
         *
         * @param host the MX name as the MX record gives it
         * @return this builder
         * @throws NullPointerException if {@code host} is null
         * @throws IllegalArgumentException if {@code host} is empty
         */
        public Builder receivingMxHostname(String host) {
            this.receivingMxHostname = nonEmpty(host, "host");
            return this;
        }

        /**
         * Sets the name the MX gave in its greeting or EHLO response.
         *
         * @param helo the name
         * @return this builder
         * @throws NullPointerException if {@code helo} is null
         * @throws IllegalArgumentException if {@code helo} is empty
         */
        public Builder receivingMxHelo(String helo) {
            this.receivingMxHelo = nonEmpty(helo, "helo");
            return this;
        }

        /**
         * Sets the MX's address.
         *
         * @param address the address connected to
         * @return this builder
         * @throws NullPointerException if {@code address} is null
         */
        public Builder receivingIp(InetAddress address) {
            this.receivingIp = Objects.requireNonNull(address, "address").getHostAddress();
            return this;
        }

        /**
         * Sets a URI pointing at more information.
         *
         * @param uri the URI
         * @return this builder
         * @throws NullPointerException if {@code uri} is null
         * @throws IllegalArgumentException if {@code uri} is empty
         */
        public Builder additionalInformation(String uri) {
            this.additionalInformation = nonEmpty(uri, "uri");
            return this;
        }

        /**
         * Sets a short code that narrows the result type down, such as an HTTP status or a TLS alert.
         *
         * @param code the code
         * @return this builder
         * @throws NullPointerException if {@code code} is null
         * @throws IllegalArgumentException if {@code code} is empty
         */
        public Builder failureReasonCode(String code) {
            this.failureReasonCode = nonEmpty(code, "code");
            return this;
        }

        private static String nonEmpty(String value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isEmpty()) {
                throw new IllegalArgumentException(name + " must not be empty");
            }
            return value;
        }

        /**
         * Builds the failure.
         *
         * @return the failure
         */
        public TlsReportFailure build() {
            return new TlsReportFailure(this);
        }
    }
}
