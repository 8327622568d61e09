package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.HostileImapServer;
import org.securemail.testing.HostilePop3Server;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;
import org.securemail.testing.WireAssertions;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * A password from any source, SecureMail's or the caller's own ({@code Transport.send(msg, user, pass)},
 * {@code connect(user, pass)}, {@code connect(host, port, user, pass)}, Spring's {@code setUsername/setPassword},
 * {@code Store.connect(...)}), goes only inside authenticated TLS, to the session's host. Every path is tried against
 * every way an attacker could catch it: STARTTLS stripped, a certificate of the attacker's own, another host, the
 * insecure local mode pointed elsewhere. The servers' records prove that no credential command and no form of the
 * password arrived, in cleartext or under TLS.
 */
class CallerCredentialsTest {
    private static final String USER = "mallory-victim";
    private static final String SECRET = "caller-Passw0rd";
    private static final List<String> FORMS = WireAssertions.secretForms(USER, SECRET);

    /** One way a caller hands its own credentials to a drop-in session. */
    interface Path {
        void send(Session session, int port) throws Exception;
    }

    static Stream<Arguments> callerPaths() {
        return Stream.of(
                Arguments.of("Transport.send(msg, user, pass)", (Path) (s, port) ->
                        Transport.send(message(s), USER, SECRET)),
                Arguments.of("transport.connect(user, pass)", (Path) (s, port) -> {
                    try (Transport t = s.getTransport("smtp")) {
                        t.connect(USER, SECRET);
                        t.sendMessage(message(s), message(s).getAllRecipients());
                    }
                }),
                Arguments.of("transport.connect(host, port, user, pass)", (Path) (s, port) -> {
                    try (Transport t = s.getTransport("smtp")) {
                        t.connect("localhost", port, USER, SECRET);
                        t.sendMessage(message(s), message(s).getAllRecipients());
                    }
                }),
                Arguments.of("Spring setUsername/setPassword", (Path) (s, port) -> {
                    JavaMailSenderImpl spring = new JavaMailSenderImpl();
                    spring.setSession(s);
                    spring.setUsername(USER);
                    spring.setPassword(SECRET);
                    spring.send(spring.createMimeMessage(new java.io.ByteArrayInputStream(
                            ("From: sender@example.test\r\nTo: rcpt@example.test\r\nSubject: s\r\n\r\nHello over TLS.\r\n")
                                    .getBytes(StandardCharsets.US_ASCII))));
                }));
    }

    /** A message of the drop-in session: {@code Transport.send} uses the session of the message it sends. */
    private static jakarta.mail.internet.MimeMessage message(Session s) throws MessagingException {
        jakarta.mail.internet.MimeMessage m = new jakarta.mail.internet.MimeMessage(s);
        m.setFrom("sender@example.test");
        m.setRecipients(jakarta.mail.Message.RecipientType.TO, "rcpt@example.test");
        m.setSubject("caller");
        m.setText("Hello over TLS.\n");
        return m;
    }

    private static MailSecurityException securityCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() != null ? c.getCause()
                : c instanceof MessagingException ? ((MessagingException) c).getNextException() : null) {
            if (c instanceof MailSecurityException) {
                return (MailSecurityException) c;
            }
        }
        throw new AssertionError("no MailSecurityException in " + t, t);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callerPaths")
    void callerCredentials_starttlsStripped_neverLeave(String name, Path path) {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).offerStartTls(false)
                .authBeforeTls(true).start()) {
            Session s = Fixtures.sender(server.port()).mode(SecurityMode.STARTTLS_OPPORTUNISTIC).buildSession();
            MailSecurityException e = securityCause(catchThrowable(() -> path.send(s, server.port())));
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.CREDENTIALS_WITHHELD);
            assertThat(e.getMessage()).isEqualTo("localhost:" + server.port() + " was not contacted: credentials are"
                    + " never sent in mode STARTTLS_OPPORTUNISTIC, which may run without TLS or without an"
                    + " authenticated server (RFC 8314) (mode STARTTLS_OPPORTUNISTIC); use a session built with"
                    + " mode(SecurityMode.STARTTLS_REQUIRED) or mode(SecurityMode.IMPLICIT_TLS) to authenticate");
            assertThat(server.connections()).isZero();
            WireAssertions.assertNoCredentialsReceived(server, FORMS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callerPaths")
    void callerCredentials_attackersSelfSignedCertificate_neverLeave(String name, Path path) {
        TestPki.Issued attacker = TestPki.create("Attacker").localhostLeaf().selfSigned().issue();
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(attacker)).start()) {
            Session s = Fixtures.sender(server.port()).mode(SecurityMode.STARTTLS_OPPORTUNISTIC).buildSession();
            MailSecurityException e = securityCause(catchThrowable(() -> path.send(s, server.port())));
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.CREDENTIALS_WITHHELD);
            WireAssertions.assertNoCredentialsReceived(server, FORMS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callerPaths")
    void callerCredentials_insecureLocalMode_neverLeave(String name, Path path) {
        try (HostileSmtpServer server = HostileSmtpServer.builder(null).authBeforeTls(true).start()) {
            Session s = SecureMail.smtp("localhost").port(server.port()).timeouts(Fixtures.FAST)
                    .insecureCleartextForLocalDevelopment().buildSession();
            MailSecurityException e = securityCause(catchThrowable(() -> path.send(s, server.port())));
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.CREDENTIALS_WITHHELD);
            assertThat(server.connections()).isZero();
            WireAssertions.assertNoCredentialsReceived(server, FORMS);
        }
    }

    @Test
    void callerCredentials_anotherHost_refusedBeforeConnecting() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            Session s = Fixtures.sender(server.port()).buildSession();
            try (Transport t = s.getTransport("smtp")) {
                MailSecurityException e = securityCause(catchThrowable(() -> t.connect("127.0.0.1", server.port(),
                        USER, SECRET)));
                assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.UNSAFE_CONFIGURATION);
                assertThat(e.getMessage()).startsWith("127.0.0.1:" + server.port() + " was not contacted: this session"
                        + " was built for localhost");
            }
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void insecureLocalMode_anAddressElsewhere_refusedBeforeConnecting() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(null).start()) {
            Session s = SecureMail.smtp("localhost").port(server.port()).timeouts(Fixtures.FAST)
                    .insecureCleartextForLocalDevelopment().buildSession();
            try (Transport t = s.getTransport("smtp")) {
                // 192.0.2.1 (TEST-NET-1) is never contacted: the guarded socket refuses it before connecting.
                MailSecurityException e = securityCause(catchThrowable(() -> t.connect("192.0.2.1", 25, null, null)));
                assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.UNSAFE_CONFIGURATION);
                assertThat(e.getMessage()).contains("was not contacted: insecureCleartextForLocalDevelopment()"
                        + " connects only to this machine, and the name resolved to 192.0.2.1");
            }
        }
    }

    @Test
    void authCommand_insideUnauthenticatedTls_stoppedAtTheWire() throws Exception {
        TestPki.Issued attacker = TestPki.create("Attacker").localhostLeaf().selfSigned().issue();
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(attacker)).start()) {
            Session s = Fixtures.sender(server.port()).mode(SecurityMode.STARTTLS_OPPORTUNISTIC).buildSession();
            try (Transport t = s.getTransport("smtp")) {
                t.connect();
                String plain = Base64.getEncoder().encodeToString(("\0" + USER + "\0" + SECRET)
                        .getBytes(StandardCharsets.UTF_8));
                // Code that talks to the transport directly still cannot send a credential inside this TLS.
                Throwable e = catchThrowable(() -> ((org.eclipse.angus.mail.smtp.SMTPTransport) t)
                        .issueCommand("AUTH PLAIN " + plain, 235));
                assertThat(e).hasStackTraceContaining("refused to send AUTH inside TLS whose server was not"
                        + " authenticated");
            }
            WireAssertions.assertNoCredentialsReceived(server, FORMS);
        }
    }

    /** The guard reads commands, not message content: a body line that looks like AUTH is content. */
    @ParameterizedTest
    @ValueSource(ints = {1, 100, 5000})
    void messageLinesThatLookLikeAuth_insideUnauthenticatedTls_deliveredAsContent(int lines) throws Exception {
        TestPki.Issued selfSigned = TestPki.create("Opportunistic").localhostLeaf().selfSigned().issue();
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(selfSigned)).start()) {
            Session s = Fixtures.sender(server.port()).mode(SecurityMode.STARTTLS_OPPORTUNISTIC).buildSession();
            jakarta.mail.internet.MimeMessage m = new jakarta.mail.internet.MimeMessage(s);
            m.setFrom("a@example.com");
            m.setRecipients(jakarta.mail.Message.RecipientType.TO, "b@example.com");
            m.setText("AUTH PLAIN looks-like-a-command\n".repeat(lines) + "USER x\nPASS y\nAUTH LOGIN\n");
            Transport.send(m);
            assertThat(server.messages()).hasSize(1);
            assertThat(server.messages().get(0)).endsWith("USER x\r\nPASS y\r\nAUTH LOGIN\r\n");
        }
    }

    @Test
    void authCommand_inCleartext_stoppedAtTheWireInEveryMode() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(null).authBeforeTls(true).start()) {
            Session s = SecureMail.smtp("localhost").port(server.port()).timeouts(Fixtures.FAST)
                    .insecureCleartextForLocalDevelopment().buildSession();
            try (Transport t = s.getTransport("smtp")) {
                t.connect();
                Throwable e = catchThrowable(() -> ((org.eclipse.angus.mail.smtp.SMTPTransport) t)
                        .issueCommand("AUTH LOGIN", 334));
                assertThat(e).hasStackTraceContaining("refused to send AUTH in cleartext: credentials travel only"
                        + " inside authenticated TLS");
            }
            WireAssertions.assertNoCredentialsReceived(server, FORMS);
        }
    }

    @Test
    void imapStoreConnect_anotherHost_refusedBeforeConnecting() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(Fixtures.SERVER_TLS).start();
             ImapFetcher imap = FetchFixtures.imap(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            Store store = imap.session().getStore("imap");
            MailSecurityException e = securityCause(catchThrowable(() -> store.connect("127.0.0.1", server.port(),
                    USER, SECRET)));
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.UNSAFE_CONFIGURATION);
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void pop3StoreConnect_anotherHost_refusedBeforeConnecting() throws Exception {
        try (HostilePop3Server server = HostilePop3Server.builder(Fixtures.SERVER_TLS).start();
             Pop3Fetcher pop3 = FetchFixtures.pop3(server.port(), SecurityMode.STARTTLS_REQUIRED).build()) {
            Store store = pop3.session().getStore("pop3");
            MailSecurityException e = securityCause(catchThrowable(() -> store.connect("127.0.0.1", server.port(),
                    USER, SECRET)));
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.UNSAFE_CONFIGURATION);
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void imapStoreConnect_insecureModeToAnotherHost_refusedBeforeConnecting() throws Exception {
        try (HostileImapServer server = HostileImapServer.builder(null).capabilitiesBeforeTls("IMAP4rev1 AUTH=PLAIN")
                .start();
             ImapFetcher imap = SecureMail.imap("localhost").port(server.port()).timeouts(Fixtures.FAST)
                     .insecureCleartextForLocalDevelopment().credentials(Credentials.password("alice",
                             Fixtures.PASSWORD)).build()) {
            Store store = imap.session().getStore("imap");
            MailSecurityException e = securityCause(catchThrowable(() -> store.connect("192.0.2.1", 143, USER,
                    SECRET)));
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.UNSAFE_CONFIGURATION);
            assertThat(server.connections()).isZero();
        }
    }
}
