package org.securemail.examples.recipes;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An OAuth 2.0 access-token supplier for {@code Credentials.oauth2(user, tokens, tokens::invalidate)} that keeps the
 * current token and fetches a new one shortly before it expires. SecureMail asks the supplier for a token for every new
 * connection; this supplier answers from its cache until the token is within {@code margin} of its expiry, so
 * connections do not each cost a round trip to the token endpoint.
 *
 * <p>A token the server rejects before its cached expiry (revoked, expired early, or its scope withdrawn): SecureMail
 * passes it to {@link #invalidate(String)}, which drops it from the cache, and then asks once more, so the second
 * attempt carries a new token. Given only as {@code Credentials.oauth2(user, tokens)}, without the hook, the second
 * ask would get the same cached token again.
 *
 * <p>Thread-safe: concurrent connections share one fetch. {@link #toString()} never shows the token.
 */
public final class RefreshingTokenSupplier implements Supplier<String> {

    /** Where new access tokens come from, for example an {@link OAuth2TokenEndpoint} or a provider's SDK. */
    @FunctionalInterface
    public interface TokenSource {
        /**
         * Fetches a new access token.
         *
         * @return the token and when it expires
         * @throws IOException if the token could not be fetched
         */
        AccessToken fetch() throws IOException;
    }

    /**
     * An access token and the instant it expires. {@link #toString()} never shows the token.
     *
     * @param value the token, as sent in SASL XOAUTH2
     * @param expiresAt when the token expires
     */
    public record AccessToken(String value, Instant expiresAt) {
        /**
         * Checks the fields.
         *
         * @throws NullPointerException if a field is null
         * @throws IllegalArgumentException if the token is empty
         */
        public AccessToken {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(expiresAt, "expiresAt");
            if (value.isEmpty()) {
                throw new IllegalArgumentException("value is empty");
            }
        }

        @Override
        public String toString() {
            return "AccessToken{expiresAt=" + expiresAt + "}";
        }
    }

    private final TokenSource source;
    private final Clock clock;
    private final Duration margin;
    private AccessToken current;
    private int fetches;

    /**
     * Creates a supplier that refreshes five minutes before expiry, on the system clock.
     *
     * @param source where tokens come from
     * @throws NullPointerException if {@code source} is null
     */
    public RefreshingTokenSupplier(TokenSource source) {
        this(source, Clock.systemUTC(), Duration.ofMinutes(5));
    }

    /**
     * Creates a supplier.
     *
     * @param source where tokens come from
     * @param clock the clock that decides expiry
     * @param margin how long before its expiry a token is replaced; zero or more
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code margin} is negative
     */
    public RefreshingTokenSupplier(TokenSource source, Clock clock, Duration margin) {
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.margin = Objects.requireNonNull(margin, "margin");
        if (margin.isNegative()) {
            throw new IllegalArgumentException("margin must not be negative: " + margin);
        }
    }

    /**
     * Returns the current token, fetching a new one when there is none or it expires within the margin.
     *
     * @return the access token
     * @throws IllegalStateException if a new token was needed and could not be fetched (SecureMail reports it as a
     *     {@code MessagingException} naming the server, and sends nothing)
     */
    @Override
    public synchronized String get() {
        Instant now = clock.instant();
        if (current == null || !now.isBefore(current.expiresAt().minus(margin))) {
            try {
                current = source.fetch();
                fetches++;
            } catch (IOException e) {
                current = null;
                throw new IllegalStateException("could not fetch an OAuth 2.0 access token: " + e.getMessage(), e);
            }
        }
        return current.value();
    }

    /**
     * Drops the cached token if it is the one the server rejected, so that the next {@link #get()} fetches a new one.
     * A token that was already replaced (another connection refreshed it meanwhile) is kept, so that its refresh is
     * not thrown away. Meant as the {@code onRejected} hook of {@code Credentials.oauth2(user, tokens,
     * tokens::invalidate)}.
     *
     * @param rejectedToken the token the server rejected
     * @throws NullPointerException if {@code rejectedToken} is null
     */
    public synchronized void invalidate(String rejectedToken) {
        Objects.requireNonNull(rejectedToken, "rejectedToken");
        if (current != null && current.value().equals(rejectedToken)) {
            current = null;
        }
    }

    /**
     * Returns how many tokens this supplier has fetched so far.
     *
     * @return the number of successful fetches
     */
    public synchronized int fetches() {
        return fetches;
    }

    @Override
    public synchronized String toString() {
        return "RefreshingTokenSupplier{" + (current == null ? "no token" : current) + ", margin=" + margin + "}";
    }
}
