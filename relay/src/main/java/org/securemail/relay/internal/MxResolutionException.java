package org.securemail.relay.internal;

import java.util.Objects;

/**
 * No host could be found to deliver a domain's mail to. {@link #isPermanent()} says whether the message should bounce
 * (5xx-like: the domain does not exist or accepts no mail) or be retried later (4xx-like: DNS did not answer, or its
 * answer failed DNSSEC validation).
 */
public final class MxResolutionException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why no host was found. */
    public enum Reason {
        /** The domain does not exist (NXDOMAIN). Permanent. */
        NO_SUCH_DOMAIN(true),
        /** The domain publishes a null MX (RFC 7505): it accepts no mail. Permanent. */
        NULL_MX(true),
        /** No MX host (or, for an implicit MX, the domain itself) has an address. Permanent. */
        NO_ADDRESSES(true),
        /** A DNS lookup got no answer (timeout, SERVFAIL, REFUSED). Temporary. */
        DNS_FAILURE(false),
        /** An answer needed failed DNSSEC validation (bogus). Temporary, as RFC 7672 §2.1.1 asks. */
        DNSSEC_BOGUS(false);

        private final boolean permanent;

        Reason(boolean permanent) {
            this.permanent = permanent;
        }

        /**
         * Returns whether retrying cannot help.
         *
         * @return true when retrying cannot help
         */
        public boolean isPermanent() {
            return permanent;
        }
    }

    private final String domain;
    private final Reason reason;

    /**
     * Creates one.
     *
     * @param domain the recipient domain
     * @param reason why
     * @param message what happened, in the library's message shape
     * @param cause the DNS exception, or null
     */
    public MxResolutionException(String domain, Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.domain = Objects.requireNonNull(domain, "domain");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Returns the recipient domain.
     *
     * @return the recipient domain
     */
    public String domain() {
        return domain;
    }

    /**
     * Returns why no host was found.
     *
     * @return why no host was found
     */
    public Reason reason() {
        return reason;
    }

    /**
     * Returns whether the message should bounce rather than be retried.
     *
     * @return true when the failure is permanent
     */
    public boolean isPermanent() {
        return reason.isPermanent();
    }
}
