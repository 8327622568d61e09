package org.securemail.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.securemail.core.TlsEngine;
import org.securemail.interop.MatrixRecorder.Cell;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsProvider;
import org.securemail.transport.Credentials;
import org.securemail.transport.DeliveryReport;
import org.securemail.transport.ImapFetcher;
import org.securemail.transport.ImapMailbox;
import org.securemail.transport.MailSecurityException;
import org.securemail.transport.MessageSummary;
import org.securemail.transport.Pop3Fetcher;
import org.securemail.transport.Pop3MessageInfo;
import org.securemail.transport.SearchCriteria;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;
import org.securemail.transport.Timeouts;

/**
 * The interop matrix: every server the environment runs, over every protocol it serves, in both TLS modes, under
 * both TLS providers, with the same round trip each time. SMTP cells send through the server with a password and
 * find the message intact in the store it delivers to (Postfix to Dovecot's Maildir, Exim to Cyrus by LMTP);
 * IMAP and POP3 cells read a message back intact (Dovecot and Courier get theirs from Postfix, Cyrus from Exim).
 * Every handshake must be TLS 1.2+ with a forward-secret AEAD suite, verified for the host. {@link MatrixRecorder}
 * writes each outcome down for the generated matrix in docs/testing-your-mail-setup.md.
 */
@ExtendWith(MatrixRecorder.class)
class ServerMatrixTest {
    private static final InteropEnvironment ENV = InteropEnvironment.get();
    private static final TlsEngine ENGINE = TlsEngine.create();
    private static final Timeouts TIMEOUTS = Timeouts.of(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(30));
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    /** Where each server's listeners are in interop.properties, and where its mail ends up. */
    enum Server {
        POSTFIX("Postfix", ""), EXIM("Exim", "exim."), OPENSMTPD("OpenSMTPD", "opensmtpd."),
        DOVECOT("Dovecot", ""), CYRUS("Cyrus", "cyrus."), COURIER("Courier", "courier.");

        final String label;
        final String prefix;

        Server(String label, String prefix) {
            this.label = label;
            this.prefix = prefix;
        }

        String smtpKey(SecurityMode mode) {
            return prefix + "smtp.submission." + (mode == SecurityMode.IMPLICIT_TLS ? "implicit" : "starttls");
        }

        String storeKey(String protocol, SecurityMode mode) {
            return prefix + protocol + "." + (mode == SecurityMode.IMPLICIT_TLS ? "implicit" : "starttls");
        }
    }

    private static final SecurityMode[] MODES = {SecurityMode.STARTTLS_REQUIRED, SecurityMode.IMPLICIT_TLS};

    /** The message each mailbox server was given before its cells run, and the report of sending it. */
    private static final Map<Server, Sent> INBOX = new EnumMap<>(Server.class);

    private record Sent(String marker, DeliveryReport report) {
    }

    static MimeMessage message(String recipient, String marker) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress(ENV.address()));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
        m.setSubject("interop " + marker);
        m.setText("Round trip " + marker + "\nwith a second line\n.\nand a lone dot above\n", "UTF-8");
        return m;
    }

    private static SmtpSender sender(Server server, SecurityMode mode, TlsProvider provider) {
        return SecureMail.smtp(ENV.host()).port(ENV.port(server.smtpKey(mode))).mode(mode)
                .policy(ENV.policy(TlsPolicy.MODERN, provider)).tlsEngine(ENGINE).timeouts(TIMEOUTS)
                .credentials(Credentials.password(ENV.user(), ENV.password())).build();
    }

    private static Cell cell(Server server, String protocol, SecurityMode mode, TlsProvider provider) {
        return new Cell(server.label, protocol, mode == SecurityMode.IMPLICIT_TLS ? "implicit TLS" : "STARTTLS",
                provider == TlsProvider.JDK ? "JDK" : "Bouncy Castle");
    }

    private static SecurityMode mode(Cell c) {
        return c.mode().equals("implicit TLS") ? SecurityMode.IMPLICIT_TLS : SecurityMode.STARTTLS_REQUIRED;
    }

    private static TlsProvider provider(Cell c) {
        return c.provider().equals("JDK") ? TlsProvider.JDK : TlsProvider.BOUNCY_CASTLE;
    }

    private static Server server(Cell c) {
        return Stream.of(Server.values()).filter(s -> s.label.equals(c.server())).findFirst().orElseThrow();
    }

    static Stream<Cell> cells(List<Server> servers, List<String> protocols) {
        Stream.Builder<Cell> b = Stream.builder();
        for (Server s : servers) {
            for (String protocol : protocols) {
                for (SecurityMode mode : MODES) {
                    for (TlsProvider p : TlsProvider.values()) {
                        b.add(cell(s, protocol, mode, p));
                    }
                }
            }
        }
        return b.build();
    }

    static Stream<Cell> submissionCells() {
        return cells(List.of(Server.POSTFIX, Server.EXIM), List.of("SMTP"));
    }

    static Stream<Cell> brokenSubmissionCells() {
        return cells(List.of(Server.OPENSMTPD), List.of("SMTP"));
    }

    static Stream<Cell> mailboxCells() {
        return cells(List.of(Server.DOVECOT, Server.CYRUS, Server.COURIER), List.of("IMAP", "POP3"));
    }

    /** The store a submission server delivers alice's mail to, as files on disk. */
    private static Optional<String> awaitDelivered(Server via, String marker) throws Exception {
        return switch (via) {
            case POSTFIX -> Mailbox.await(ENV.maildir(), marker, DELIVERY);
            case EXIM -> Mailbox.awaitInTree(Path.of(ENV.get("server.tree"), "cyrus", "spool"), marker, DELIVERY);
            default -> throw new IllegalArgumentException(via.name());
        };
    }

    private static void assertIntact(String raw, String marker, DeliveryReport sent) {
        // Maildir files keep LF line ends, what IMAP/POP3 and Cyrus's spool give has CRLF: compare as CRLF.
        raw = raw.replace("\r\n", "\n").replace("\n", "\r\n");
        assertThat(raw).contains("Subject: interop " + marker)
                .contains("Round trip " + marker + "\r\nwith a second line\r\n.\r\nand a lone dot above")
                .contains("Message-ID: " + sent.messageId().orElseThrow());
    }

    @BeforeAll
    static void giveEveryMailboxServerAMessage() throws Exception {
        Map<Server, String> recipients = Map.of(Server.DOVECOT, ENV.address(), Server.CYRUS, ENV.address(),
                Server.COURIER, ENV.get("courier.mail.address"));
        for (Server store : List.of(Server.DOVECOT, Server.CYRUS, Server.COURIER)) {
            Server via = store == Server.CYRUS ? Server.EXIM : Server.POSTFIX;
            String marker = UUID.randomUUID().toString();
            try (SmtpSender s = sender(via, SecurityMode.STARTTLS_REQUIRED, TlsProvider.JDK)) {
                INBOX.put(store, new Sent(marker, s.send(message(recipients.get(store), marker))));
            }
        }
        assertThat(Mailbox.await(ENV.maildir(), INBOX.get(Server.DOVECOT).marker(), DELIVERY)).isPresent();
        assertThat(awaitDelivered(Server.EXIM, INBOX.get(Server.CYRUS).marker())).isPresent();
        assertThat(Mailbox.await(Path.of(ENV.get("courier.maildir")), INBOX.get(Server.COURIER).marker(), DELIVERY))
                .isPresent();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("submissionCells")
    void submission_sendWithPassword_deliveredIntactOverModernTls(Cell c) throws Exception {
        String marker = UUID.randomUUID().toString();
        DeliveryReport report;
        try (SmtpSender s = sender(server(c), mode(c), provider(c))) {
            report = s.send(message(ENV.address(), marker));
        }
        PostfixSendTest.assertModernTls(report.endpoint().handshake().orElseThrow());
        Optional<String> raw = awaitDelivered(server(c), marker);
        assertThat(raw).as("%s delivered the message", c.server()).isPresent();
        assertIntact(raw.get(), marker, report);
    }

    /**
     * Debian 12's OpenSMTPD 6.8.0p2 completes no TLS handshake under OpenSSL 3, whatever its key (its log says
     * "SSL routines::EVP lib"; upstream OpenSMTPD issues #1171 and #1239), so no client can submit mail to it over
     * TLS. This proves the refusal is the server's failure, not SecureMail's: SecureMail stops before any credential
     * with a TLS refusal, and the server's own log shows its error. When a Debian update fixes OpenSMTPD this test
     * fails, and the OpenSMTPD cells belong in {@link #submission_sendWithPassword_deliveredIntactOverModernTls}.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenSubmissionCells")
    void submission_opensmtpdOnDebian12CompletesNoTlsHandshake_refusedAndTheServerLogsItsOwnError(Cell c)
            throws Exception {
        Path log = Path.of(ENV.get("log.opensmtpd"));
        long before = Files.size(log);
        MailSecurityException e;
        try (SmtpSender s = sender(server(c), mode(c), provider(c))) {
            e = catchThrowableOfType(MailSecurityException.class,
                    () -> s.send(message(ENV.address(), UUID.randomUUID().toString())));
        }
        assertThat(e).as("SecureMail refused OpenSMTPD").isNotNull();
        assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.TLS_REFUSED);
        assertThat(e.endpoint().handshake()).isEmpty();
        String logged = "";
        for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); System.nanoTime() < deadline; ) {
            logged = Files.readString(log, StandardCharsets.UTF_8).substring((int) before);
            if (logged.contains("EVP lib")) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(logged).as("OpenSMTPD's log after the attempt").contains("SSL routines::EVP lib");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mailboxCells")
    void mailbox_readBack_intactOverModernTls(Cell c) throws Exception {
        Sent sent = INBOX.get(server(c));
        String key = server(c).storeKey(c.protocol().toLowerCase(java.util.Locale.ROOT), mode(c));
        if (c.protocol().equals("IMAP")) {
            try (ImapFetcher fetcher = SecureMail.imap(ENV.host()).port(ENV.port(key)).mode(mode(c))
                    .policy(ENV.policy(TlsPolicy.MODERN, provider(c))).tlsEngine(ENGINE).timeouts(TIMEOUTS)
                    .credentials(Credentials.password(ENV.user(), ENV.password())).build();
                 ImapMailbox inbox = fetcher.openFolder("INBOX")) {
                List<MessageSummary> found = inbox.search(SearchCriteria.builder().subject(sent.marker()).build(), 5);
                assertThat(found).hasSize(1);
                assertThat(found.get(0).messageId()).isEqualTo(sent.report().messageId());
                try (InputStream in = inbox.stream(found.get(0).uid())) {
                    assertIntact(new String(in.readAllBytes(), StandardCharsets.UTF_8), sent.marker(), sent.report());
                }
                PostfixSendTest.assertModernTls(inbox.endpoint().handshake().orElseThrow());
            }
        } else {
            try (Pop3Fetcher fetcher = SecureMail.pop3(ENV.host()).port(ENV.port(key)).mode(mode(c))
                    .policy(ENV.policy(TlsPolicy.MODERN, provider(c))).tlsEngine(ENGINE).timeouts(TIMEOUTS)
                    .credentials(Credentials.password(ENV.user(), ENV.password())).build()) {
                Optional<String> raw = Optional.empty();
                for (Pop3MessageInfo info : fetcher.list()) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    fetcher.retrieve(info.uidl(), out);
                    String text = out.toString(StandardCharsets.UTF_8);
                    if (text.contains(sent.marker())) {
                        raw = Optional.of(text);
                    }
                }
                assertThat(raw).as("the message over POP3").isPresent();
                assertIntact(raw.get(), sent.marker(), sent.report());
                PostfixSendTest.assertModernTls(fetcher.endpoint().handshake().orElseThrow());
            }
        }
    }
}
