package org.securemail.transport;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How SecureMail authenticates to a mail server: a user name with a password (SASL PLAIN or LOGIN), or with an
 * OAuth 2.0 access token (SASL XOAUTH2). Credentials are only ever sent inside TLS that met the policy: a builder
 * refuses them in the modes that cannot guarantee that.
 *
 * <p>{@link #toString()} shows the user name and kind, never the secret. The password array is copied when the
 * credentials are created.
 */
public final class Credentials {

    /** The kind of secret. */
    public enum Kind {
        /** A password, sent with SASL PLAIN or LOGIN. */
        PASSWORD,
        /** An OAuth 2.0 access token, sent with SASL XOAUTH2. */
        OAUTH2
    }

    private static final Consumer<String> IGNORE_REJECTION = token -> { };

    private final String user;
    private final Kind kind;
    private final char[] password;
    private final Supplier<String> tokenSupplier;
    private final Consumer<String> onRejected;

    private Credentials(String user, Kind kind, char[] password, Supplier<String> tokenSupplier,
                        Consumer<String> onRejected) {
        this.user = user;
        this.kind = kind;
        this.password = password;
        this.tokenSupplier = tokenSupplier;
        this.onRejected = onRejected;
    }

    /**
     * Returns password credentials.
     *
     * @param user the user name
     * @param password the password; copied, so the caller may clear its array
     * @return the credentials
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the user name is empty or contains a line break or NUL
     */
    public static Credentials password(String user, char[] password) {
        Objects.requireNonNull(password, "password");
        return new Credentials(checkUser(user), Kind.PASSWORD, password.clone(), null, null);
    }

    /**
     * Returns OAuth 2.0 credentials. The supplier is asked for a token for every new connection, and asked once more
     * when the server rejects the token it gave (an expired token), before the failure is reported.
     *
     * @param user the user name (the mailbox address, for most providers)
     * @param tokenSupplier returns a current access token; it may block while refreshing
     * @return the credentials
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the user name is empty or contains a line break or NUL
     */
    public static Credentials oauth2(String user, Supplier<String> tokenSupplier) {
        return oauth2(user, tokenSupplier, IGNORE_REJECTION);
    }

    /**
     * Returns OAuth 2.0 credentials whose token source caches tokens. When the server rejects a token (revoked, or
     * expired before the cache thought), {@code onRejected} is told which one, so that the cache can drop it, and
     * then the supplier is asked once more, before the failure is reported. The callback runs on the sending thread;
     * an exception from it is logged and ignored.
     *
     * @param user the user name (the mailbox address, for most providers)
     * @param tokenSupplier returns a current access token; it may block while refreshing
     * @param onRejected told of a token the server rejected
     * @return the credentials
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the user name is empty or contains a line break or NUL
     */
    public static Credentials oauth2(String user, Supplier<String> tokenSupplier, Consumer<String> onRejected) {
        Objects.requireNonNull(tokenSupplier, "tokenSupplier");
        Objects.requireNonNull(onRejected, "onRejected");
        return new Credentials(checkUser(user), Kind.OAUTH2, null, tokenSupplier, onRejected);
    }

    /** Tells the token source that the server rejected a token it gave. */
    void rejected(String token) {
        if (onRejected != null) {
            onRejected.accept(token);
        }
    }

    private static String checkUser(String user) {
        Objects.requireNonNull(user, "user");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("user is empty");
        }
        if (user.indexOf('\r') >= 0 || user.indexOf('\n') >= 0 || user.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("user contains a line break or NUL");
        }
        return user;
    }

    /**
     * Returns the user name sent with AUTH (or USER/LOGIN), exactly as given: never trimmed or case-folded.
     *
     * @return the user name
     */
    public String user() {
        return user;
    }

    /**
     * Returns whether these credentials hold a password (sent with AUTH PLAIN or LOGIN) or an OAuth 2.0 token
     * supplier (sent with XOAUTH2, a fresh token asked for on every connection).
     *
     * @return the kind of secret
     */
    public Kind kind() {
        return kind;
    }

    /** The secret for one connection attempt: the password, or a token from the supplier. */
    String secret() {
        if (kind == Kind.PASSWORD) {
            return new String(password);
        }
        String token = tokenSupplier.get();
        if (token == null || token.isEmpty()) {
            throw new IllegalStateException("the OAuth 2.0 token supplier for " + user + " returned no token");
        }
        return token;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Credentials)) {
            return false;
        }
        Credentials c = (Credentials) o;
        return user.equals(c.user) && kind == c.kind && Arrays.equals(password, c.password)
                && Objects.equals(tokenSupplier, c.tokenSupplier) && Objects.equals(onRejected, c.onRejected);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, kind);
    }

    /**
     * Returns the user and the kind of secret, never the secret itself, so that credentials can be logged.
     *
     * @return {@code Credentials{user=..., PASSWORD}} or {@code Credentials{user=..., OAUTH2}}
     */
    @Override
    public String toString() {
        return "Credentials{user=" + user + ", " + kind + "}";
    }
}
