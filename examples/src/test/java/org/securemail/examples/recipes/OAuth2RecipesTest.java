package org.securemail.examples.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.securemail.testing.WireAssertions.assertNothingSentInCleartext;
import static org.securemail.testing.WireAssertions.secretForms;

import com.sun.net.httpserver.HttpServer;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.securemail.examples.recipes.RefreshingTokenSupplier.AccessToken;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.transport.Credentials;
import org.securemail.transport.CredentialsRejectedException;
import org.securemail.transport.ImapFetcher;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;

/**
 * The OAuth 2.0 recipes: the refresh-token grant against a token endpoint on 127.0.0.1, the refreshing supplier on a
 * clock the test moves, XOAUTH2 against a loopback SMTP server, and the provider builders' settings (never contacted).
 */
class OAuth2RecipesTest {
    private static final String USER = "alice@example.test";

    /** A clock the test moves by hand. */
    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovableClock clock = new MovableClock();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Deque<String[]> answers = new ArrayDeque<>();
    private HttpServer tokenServer;
    private URI tokenUri;

    @BeforeEach
    void startTokenEndpoint() throws IOException {
        tokenServer = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        tokenServer.createContext("/token", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type")
                    + " " + body);
            String[] answer;
            synchronized (answers) {
                answer = answers.isEmpty() ? new String[] {"500", "{\"error\":\"no_answer_scripted\"}"}
                        : answers.poll();
            }
            byte[] out = answer[1].getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        });
        tokenServer.start();
        tokenUri = URI.create("http://127.0.0.1:" + tokenServer.getAddress().getPort() + "/token");
    }

    @AfterEach
    void stopTokenEndpoint() {
        tokenServer.stop(0);
    }

    private void answer(int status, String json) {
        synchronized (answers) {
            answers.add(new String[] {String.valueOf(status), json});
        }
    }

    private OAuth2TokenEndpoint googleAtLoopback() {
        return new OAuth2TokenEndpoint(tokenUri, OAuth2TokenEndpoint.googleForm("cid.apps.example", "client-s3cret",
                "refresh-1"), clock);
    }

    private static String xoauth2(String user, String token) {
        return Base64.getEncoder().encodeToString(("user=" + user + "\001auth=Bearer " + token + "\001\001")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** A sender to the loopback server, wired as the recipe builders wire theirs: the supplier hears of rejections. */
    private static SmtpSender.Builder senderTo(HostileSmtpServer server, RefreshingTokenSupplier tokens) {
        return SecureMail.smtp("localhost").port(server.port()).policy(RecipeFixtures.POLICY)
                .timeouts(RecipeFixtures.FAST).credentials(Credentials.oauth2(USER, tokens, tokens::invalidate));
    }

    private static List<String> authLines(HostileSmtpServer server) {
        return server.tlsLines().stream().filter(l -> l.startsWith("AUTH ")).collect(Collectors.toList());
    }

    // ---- the token endpoint ----

    @Test
    void googleGrant_postsTheRefreshTokenForm_andReadsTheToken() throws IOException {
        answer(200, "{\"access_token\": \"ya29.tok-1\", \"expires_in\": 3599, \"scope\": \"https://mail.google.com/\","
                + " \"token_type\": \"Bearer\"}");
        AccessToken token = googleAtLoopback().fetch();
        assertThat(token.value()).isEqualTo("ya29.tok-1");
        assertThat(token.expiresAt()).isEqualTo(clock.instant().plusSeconds(3599));
        assertThat(token.toString()).doesNotContain("tok-1");
        assertThat(requests).containsExactly("POST application/x-www-form-urlencoded grant_type=refresh_token"
                + "&client_id=cid.apps.example&client_secret=client-s3cret&refresh_token=refresh-1");
    }

    @Test
    void microsoftGrant_rotatedRefreshToken_isUsedNextTime() throws IOException {
        OAuth2TokenEndpoint endpoint = new OAuth2TokenEndpoint(tokenUri, OAuth2TokenEndpoint.microsoftForm("app-id",
                "refresh-1", OAuth2TokenEndpoint.MICROSOFT_SMTP_SCOPE), clock);
        answer(200, "{\"token_type\":\"Bearer\",\"expires_in\":4000,\"access_token\":\"eyJ.one\","
                + "\"refresh_token\":\"refresh-2\"}");
        answer(200, "{\"token_type\":\"Bearer\",\"expires_in\":4000,\"access_token\":\"eyJ.two\"}");
        assertThat(endpoint.fetch().value()).isEqualTo("eyJ.one");
        assertThat(endpoint.fetch().value()).isEqualTo("eyJ.two");
        String scope = "scope=https%3A%2F%2Foutlook.office.com%2FSMTP.Send+offline_access";
        assertThat(requests).containsExactly(
                "POST application/x-www-form-urlencoded grant_type=refresh_token&client_id=app-id"
                        + "&refresh_token=refresh-1&" + scope,
                "POST application/x-www-form-urlencoded grant_type=refresh_token&client_id=app-id"
                        + "&refresh_token=refresh-2&" + scope);
        assertThat(endpoint.toString()).doesNotContain("refresh-2").contains("client_id=app-id", "refresh_token=***");
    }

    @Test
    void grant_revokedRefreshToken_failsWithTheEndpointsErrorAndWhatToDo() {
        answer(400, "{\"error\": \"invalid_grant\", \"error_description\": \"Token has been expired or revoked.\"}");
        assertThatThrownBy(() -> googleAtLoopback().fetch()).isInstanceOf(IOException.class)
                .hasMessage("token endpoint " + tokenUri + " answered HTTP 400: invalid_grant (Token has been expired"
                        + " or revoked.); if the refresh token expired or was revoked, sign in again to get a new one");
    }

    @Test
    void endpoint_plainHttpToAnotherMachine_refusedWithoutContactingIt() {
        assertThatThrownBy(() -> new OAuth2TokenEndpoint(URI.create("http://oauth2.example.test/token"),
                OAuth2TokenEndpoint.googleForm("c", "s", "r"), clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token endpoint must be an https:// URI (http:// only to this machine):"
                        + " http://oauth2.example.test/token");
    }

    @Test
    void providerEndpoints_areTheDocumentedOnes_andHideSecrets() {
        assertThat(OAuth2TokenEndpoint.google("cid", "client-s3cret", "refresh-1").toString())
                .isEqualTo("OAuth2TokenEndpoint{https://oauth2.googleapis.com/token, grant_type=refresh_token,"
                        + " client_id=cid, client_secret=***, refresh_token=***}");
        assertThat(OAuth2TokenEndpoint.microsoft("contoso.onmicrosoft.com", "app-id", "refresh-1",
                OAuth2TokenEndpoint.MICROSOFT_IMAP_SCOPE).uri())
                .hasToString("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
        assertThatThrownBy(() -> OAuth2TokenEndpoint.microsoft("x/../evil", "a", "r", "s"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- the refreshing supplier ----

    @Test
    void supplier_cachesUntilTheMarginBeforeExpiry_thenRefreshes() {
        answer(200, "{\"access_token\":\"tok-1\",\"expires_in\":3600}");
        answer(200, "{\"access_token\":\"tok-2\",\"expires_in\":3600}");
        RefreshingTokenSupplier tokens = new RefreshingTokenSupplier(googleAtLoopback(), clock, Duration.ofMinutes(5));
        assertThat(tokens.get()).isEqualTo("tok-1");
        clock.advance(Duration.ofMinutes(54));
        assertThat(tokens.get()).isEqualTo("tok-1");
        assertThat(tokens.fetches()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));                          // 55 minutes: within 5 minutes of expiry
        assertThat(tokens.get()).isEqualTo("tok-2");
        assertThat(tokens.fetches()).isEqualTo(2);
        assertThat(tokens.toString()).doesNotContain("tok-2");
    }

    @Test
    void invalidate_theCachedToken_nextGetFetchesANewOne() {
        answer(200, "{\"access_token\":\"tok-1\",\"expires_in\":3600}");
        answer(200, "{\"access_token\":\"tok-2\",\"expires_in\":3600}");
        RefreshingTokenSupplier tokens = new RefreshingTokenSupplier(googleAtLoopback(), clock, Duration.ofMinutes(5));
        assertThat(tokens.get()).isEqualTo("tok-1");
        tokens.invalidate("tok-1");
        assertThat(tokens.get()).isEqualTo("tok-2");
        assertThat(tokens.fetches()).isEqualTo(2);
    }

    @Test
    void invalidate_aTokenAlreadyReplaced_keepsTheNewerOne() {
        answer(200, "{\"access_token\":\"tok-1\",\"expires_in\":3600}");
        answer(200, "{\"access_token\":\"tok-2\",\"expires_in\":3600}");
        RefreshingTokenSupplier tokens = new RefreshingTokenSupplier(googleAtLoopback(), clock, Duration.ofMinutes(5));
        assertThat(tokens.get()).isEqualTo("tok-1");
        clock.advance(Duration.ofMinutes(55));                         // another connection refreshes meanwhile
        assertThat(tokens.get()).isEqualTo("tok-2");
        tokens.invalidate("tok-1");                                    // the late report of the old token
        assertThat(tokens.get()).isEqualTo("tok-2");
        assertThat(tokens.fetches()).isEqualTo(2);
        assertThat(requests).hasSize(2);
        assertThatThrownBy(() -> tokens.invalidate(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("rejectedToken");
    }

    @Test
    void supplier_endpointDown_failsWithIllegalStateNamingTheCause() {
        answer(503, "{\"error\":\"temporarily_unavailable\"}");
        RefreshingTokenSupplier tokens = new RefreshingTokenSupplier(googleAtLoopback(), clock, Duration.ZERO);
        assertThatThrownBy(tokens::get).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("could not fetch an OAuth 2.0 access token: token endpoint " + tokenUri
                        + " answered HTTP 503: temporarily_unavailable");
    }

    // ---- XOAUTH2 over loopback ----

    @Test
    void send_withRefreshingSupplier_authenticatesWithXoauth2InsideTlsOnly() throws Exception {
        answer(200, "{\"access_token\":\"tok-1\",\"expires_in\":3600}");
        RefreshingTokenSupplier tokens = new RefreshingTokenSupplier(googleAtLoopback(), clock, Duration.ofMinutes(5));
        try (HostileSmtpServer server = HostileSmtpServer.builder(RecipeFixtures.SERVER_TLS).start();
             SmtpSender sender = senderTo(server, tokens).build()) {
            assertThat(sender.send(RecipeFixtures.message("one")).finalReply()).startsWith("250");
            assertThat(sender.send(RecipeFixtures.message("two")).finalReply()).startsWith("250");
            assertThat(server.tlsLines()).filteredOn(l -> l.startsWith("AUTH "))
                    .allMatch(l -> l.equals("AUTH XOAUTH2 " + xoauth2(USER, "tok-1")));
            assertThat(tokens.fetches()).isEqualTo(1);
            assertNothingSentInCleartext(server, secretForms(USER, "tok-1"));
        }
    }

    @Test
    void send_cachedTokenExpired_oneSendRefreshesOnce_andTheSecondAuthCarriesTheNewToken() throws Exception {
        answer(200, "{\"access_token\":\"expired-1\",\"expires_in\":3600}");
        answer(200, "{\"access_token\":\"tok-2\",\"expires_in\":3600}");
        RefreshingTokenSupplier tokens = new RefreshingTokenSupplier(googleAtLoopback(), clock, Duration.ofMinutes(5));
        assertThat(tokens.get()).isEqualTo("expired-1");               // cached by an earlier connection
        try (HostileSmtpServer server = HostileSmtpServer.builder(RecipeFixtures.SERVER_TLS)
                .authReplies("535 5.7.8 token expired").start();
             SmtpSender sender = senderTo(server, tokens).build()) {
            assertThat(sender.send(RecipeFixtures.message("once")).finalReply()).startsWith("250");
            assertThat(tokens.fetches()).as("one refresh during the send").isEqualTo(2);
            assertThat(requests).hasSize(2);
            assertThat(authLines(server)).containsExactly("AUTH XOAUTH2 " + xoauth2(USER, "expired-1"),
                    "AUTH XOAUTH2 " + xoauth2(USER, "tok-2"));
            assertThat(server.messages()).hasSize(1);
            assertNothingSentInCleartext(server, secretForms(USER, "expired-1"));
            assertNothingSentInCleartext(server, secretForms(USER, "tok-2"));
        }
    }

    @Test
    void send_withoutTheRejectionHook_retryGetsTheSameCachedToken_andFails() throws Exception {
        answer(200, "{\"access_token\":\"expired-1\",\"expires_in\":3600}");
        RefreshingTokenSupplier tokens = new RefreshingTokenSupplier(googleAtLoopback(), clock, Duration.ofMinutes(5));
        try (HostileSmtpServer server = HostileSmtpServer.builder(RecipeFixtures.SERVER_TLS)
                .authReplies("535 5.7.8 token expired", "535 5.7.8 token expired").start();
             SmtpSender sender = senderTo(server, tokens).credentials(Credentials.oauth2(USER, tokens)).build()) {
            assertThatThrownBy(() -> sender.send(RecipeFixtures.message("never")))
                    .isInstanceOf(CredentialsRejectedException.class)
                    .hasMessageNotContaining("expired-1");
            assertThat(authLines(server)).containsExactly("AUTH XOAUTH2 " + xoauth2(USER, "expired-1"),
                    "AUTH XOAUTH2 " + xoauth2(USER, "expired-1"));
            assertThat(tokens.fetches()).isEqualTo(1);
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void send_newTokenAlsoRejected_failsAfterExactlyOneRefresh() {
        answer(200, "{\"access_token\":\"bad-1\",\"expires_in\":3600}");
        answer(200, "{\"access_token\":\"bad-2\",\"expires_in\":3600}");
        RefreshingTokenSupplier tokens = new RefreshingTokenSupplier(googleAtLoopback(), clock, Duration.ofMinutes(5));
        try (HostileSmtpServer server = HostileSmtpServer.builder(RecipeFixtures.SERVER_TLS)
                .authReply("535 5.7.8 Username and Password not accepted").start();
             SmtpSender sender = senderTo(server, tokens).build()) {
            assertThatThrownBy(() -> sender.send(RecipeFixtures.message("never")))
                    .isInstanceOf(CredentialsRejectedException.class)
                    .hasMessageNotContaining("bad-1").hasMessageNotContaining("bad-2");
            assertThat(authLines(server)).containsExactly("AUTH XOAUTH2 " + xoauth2(USER, "bad-1"),
                    "AUTH XOAUTH2 " + xoauth2(USER, "bad-2"));
            assertThat(tokens.fetches()).isEqualTo(2);
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void send_tokenEndpointDown_failsBeforeAnyCredentialOrMessageIsSent() {
        answer(400, "{\"error\":\"invalid_grant\"}");
        RefreshingTokenSupplier tokens = new RefreshingTokenSupplier(googleAtLoopback(), clock, Duration.ofMinutes(5));
        try (HostileSmtpServer server = HostileSmtpServer.builder(RecipeFixtures.SERVER_TLS).start();
             SmtpSender sender = senderTo(server, tokens).build()) {
            assertThatThrownBy(() -> sender.send(RecipeFixtures.message("one")))
                    .isInstanceOf(MessagingException.class)
                    .hasMessageContaining("localhost:" + server.port())
                    .hasMessageContaining("could not fetch an OAuth 2.0 access token")
                    .hasMessageContaining("invalid_grant");
            assertThat(server.lines()).noneMatch(l -> l.text.startsWith("AUTH") || l.text.startsWith("MAIL"));
            assertThat(server.messages()).isEmpty();
        }
    }

    // ---- the provider builders: settings only, never contacted ----

    @Test
    void providerBuilders_useTheProvidersHostsPortsAndModes() {
        RefreshingTokenSupplier tokens = new RefreshingTokenSupplier(googleAtLoopback(), clock, Duration.ZERO);
        try (SmtpSender gmail = OAuth2Recipes.gmailSmtp("me@gmail.com", tokens).build();
             ImapFetcher gmailImap = OAuth2Recipes.gmailImap("me@gmail.com", tokens).build();
             SmtpSender m365 = OAuth2Recipes.microsoft365Smtp("me@contoso.com", tokens).build();
             ImapFetcher m365Imap = OAuth2Recipes.microsoft365Imap("me@contoso.com", tokens).build();
             SmtpSender whole = OAuth2Recipes.gmail("me@gmail.com", "cid", "secret", "refresh")) {
            assertThat(gmail).hasToString("SmtpSender{SMTP smtp.gmail.com:587, STARTTLS_REQUIRED,"
                    + " Credentials{user=me@gmail.com, OAUTH2}}");
            assertThat(gmailImap.endpoint().host()).isEqualTo("imap.gmail.com");
            assertThat(gmailImap.endpoint().port()).isEqualTo(993);
            assertThat(gmailImap.endpoint().mode()).isEqualTo(SecurityMode.IMPLICIT_TLS);
            assertThat(m365).hasToString("SmtpSender{SMTP smtp.office365.com:587, STARTTLS_REQUIRED,"
                    + " Credentials{user=me@contoso.com, OAUTH2}}");
            assertThat(m365Imap.endpoint().host()).isEqualTo("outlook.office365.com");
            assertThat(m365Imap.endpoint().port()).isEqualTo(993);
            assertThat(m365Imap.endpoint().mode()).isEqualTo(SecurityMode.IMPLICIT_TLS);
            assertThat(whole).hasToString("SmtpSender{SMTP smtp.gmail.com:587, STARTTLS_REQUIRED,"
                    + " Credentials{user=me@gmail.com, OAUTH2}}");
        }
        assertThat(requests).as("building contacts no token endpoint").isEmpty();
    }
}
