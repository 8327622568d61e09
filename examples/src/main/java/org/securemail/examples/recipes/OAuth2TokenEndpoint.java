package org.securemail.examples.recipes;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.securemail.examples.recipes.RefreshingTokenSupplier.AccessToken;

/**
 * An OAuth 2.0 token endpoint asked for access tokens with the refresh-token grant (RFC 6749 section 6), using only
 * the JDK's HTTP client: Google's ({@link #google}) or Microsoft's ({@link #microsoft}). A refresh token the endpoint
 * rotates (Microsoft does) is kept for the next request. The endpoint's HTTPS certificate is checked against the
 * JVM's trust store by the JDK's HTTP client; plain HTTP is accepted only to this machine, for tests.
 *
 * <p>This is a small, dependency-free example. An application that already uses Google's auth library or Microsoft's
 * MSAL can plug those into {@link RefreshingTokenSupplier} as its {@link RefreshingTokenSupplier.TokenSource}.
 * {@link #toString()} never shows the client secret or the refresh token.
 */
public final class OAuth2TokenEndpoint implements RefreshingTokenSupplier.TokenSource {
    /** Google's token endpoint. */
    public static final URI GOOGLE = URI.create("https://oauth2.googleapis.com/token");
    /** The scope of Gmail's SMTP, IMAP and POP3 access: {@code https://mail.google.com/}. */
    public static final String GMAIL_SCOPE = "https://mail.google.com/";
    /** The delegated scope of Microsoft 365 SMTP AUTH, with {@code offline_access} for a refresh token. */
    public static final String MICROSOFT_SMTP_SCOPE = "https://outlook.office.com/SMTP.Send offline_access";
    /** The delegated scope of Microsoft 365 IMAP, with {@code offline_access} for a refresh token. */
    public static final String MICROSOFT_IMAP_SCOPE = "https://outlook.office.com/IMAP.AccessAsUser.All offline_access";

    private static final Set<String> SHOWN = Set.of("grant_type", "client_id", "scope");

    private final URI uri;
    private final Map<String, String> form;
    private final HttpClient http;
    private final Clock clock;

    /**
     * Creates an endpoint that posts the given form parameters.
     *
     * @param uri the token endpoint: HTTPS, or HTTP to 127.0.0.1, ::1 or localhost
     * @param form the form parameters, e.g. {@code grant_type}, {@code client_id}, {@code refresh_token}
     * @param clock the clock that turns {@code expires_in} into an instant
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the URI is neither HTTPS nor HTTP to this machine
     */
    public OAuth2TokenEndpoint(URI uri, Map<String, String> form, Clock clock) {
        this.uri = checkUri(Objects.requireNonNull(uri, "uri"));
        this.form = new LinkedHashMap<>(Objects.requireNonNull(form, "form"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Returns Google's endpoint for a refresh token obtained with the scope {@link #GMAIL_SCOPE} (for example with
     * Google's OAuth consent flow for an installed or web application).
     *
     * @param clientId the OAuth client ID
     * @param clientSecret the OAuth client secret
     * @param refreshToken the refresh token
     * @return the endpoint
     * @throws NullPointerException if an argument is null
     */
    public static OAuth2TokenEndpoint google(String clientId, String clientSecret, String refreshToken) {
        return new OAuth2TokenEndpoint(GOOGLE, googleForm(clientId, clientSecret, refreshToken), Clock.systemUTC());
    }

    /** The form of Google's refresh-token grant. */
    static Map<String, String> googleForm(String clientId, String clientSecret, String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", Objects.requireNonNull(clientId, "clientId"));
        form.put("client_secret", Objects.requireNonNull(clientSecret, "clientSecret"));
        form.put("refresh_token", Objects.requireNonNull(refreshToken, "refreshToken"));
        return form;
    }

    /**
     * Returns the Microsoft identity platform's endpoint of a tenant, for a refresh token of a public client (no
     * client secret) obtained with {@link #MICROSOFT_SMTP_SCOPE} or {@link #MICROSOFT_IMAP_SCOPE}.
     *
     * @param tenant the tenant ID or domain, or {@code organizations}
     * @param clientId the application (client) ID
     * @param refreshToken the refresh token
     * @param scope the scope asked for again, e.g. {@link #MICROSOFT_SMTP_SCOPE}
     * @return the endpoint
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the tenant is not a plain name
     */
    public static OAuth2TokenEndpoint microsoft(String tenant, String clientId, String refreshToken, String scope) {
        if (!Objects.requireNonNull(tenant, "tenant").matches("[A-Za-z0-9.-]+")) {
            throw new IllegalArgumentException("tenant must be a tenant ID or domain: \"" + tenant + "\"");
        }
        return new OAuth2TokenEndpoint(URI.create("https://login.microsoftonline.com/" + tenant
                + "/oauth2/v2.0/token"), microsoftForm(clientId, refreshToken, scope), Clock.systemUTC());
    }

    /** The form of Microsoft's refresh-token grant for a public client. */
    static Map<String, String> microsoftForm(String clientId, String refreshToken, String scope) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", Objects.requireNonNull(clientId, "clientId"));
        form.put("refresh_token", Objects.requireNonNull(refreshToken, "refreshToken"));
        form.put("scope", Objects.requireNonNull(scope, "scope"));
        return form;
    }

    private static URI checkUri(URI uri) {
        String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
        String host = String.valueOf(uri.getHost());
        boolean local = host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("localhost");
        if (scheme.equals("https") || (scheme.equals("http") && local)) {
            return uri;
        }
        throw new IllegalArgumentException("token endpoint must be an https:// URI (http:// only to this machine): "
                + uri);
    }

    /**
     * Returns the endpoint's URI.
     *
     * @return the URI
     */
    public URI uri() {
        return uri;
    }

    /**
     * Posts the refresh-token grant and reads {@code access_token}, {@code expires_in} and a rotated
     * {@code refresh_token} from the answer.
     *
     * @return the new access token
     * @throws IOException if the endpoint cannot be reached, answers with an error (its {@code error} and
     *     {@code error_description} are in the message), or its answer holds no access token
     */
    @Override
    public synchronized AccessToken fetch() throws IOException {
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + uri + " for a token", e);
        }
        String json = response.body();
        if (response.statusCode() != 200) {
            throw new IOException("token endpoint " + uri + " answered HTTP " + response.statusCode() + ": "
                    + stringField(json, "error").orElse("no error code")
                    + stringField(json, "error_description").map(d -> " (" + d + ")").orElse("")
                    + "; if the refresh token expired or was revoked, sign in again to get a new one");
        }
        String token = stringField(json, "access_token").orElseThrow(() -> new IOException("token endpoint " + uri
                + " answered without an access_token"));
        long expiresIn = numberField(json, "expires_in").orElse(3600L);
        stringField(json, "refresh_token").ifPresent(rotated -> form.put("refresh_token", rotated));
        return new AccessToken(token, Instant.now(clock).plusSeconds(expiresIn));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Reads a string member of a flat JSON object whose value holds no escapes (tokens and error codes do not). */
    private static Optional<String> stringField(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"([^\"\\\\]*)\"").matcher(json);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static Optional<Long> numberField(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"?(\\d{1,9})\"?").matcher(json);
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    @Override
    public synchronized String toString() {
        return "OAuth2TokenEndpoint{" + uri + ", " + form.entrySet().stream()
                .map(e -> e.getKey() + "=" + (SHOWN.contains(e.getKey()) ? e.getValue() : "***"))
                .collect(Collectors.joining(", ")) + "}";
    }
}
