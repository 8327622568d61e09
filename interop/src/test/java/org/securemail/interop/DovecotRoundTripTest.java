package org.securemail.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.securemail.core.TlsEngine;
import org.securemail.core.TlsRefusalReason;
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
 * The round trip a user cares about: send through Postfix with the library, read the same message back through
 * Dovecot with the library over IMAP and POP3, and check that it arrived intact and both legs were TLS 1.2+ with a
 * forward-secret suite. Then Dovecot's weak listeners, each refused with its reason.
 */
class DovecotRoundTripTest {
    private static final InteropEnvironment ENV = InteropEnvironment.get();
    private static final TlsEngine ENGINE = TlsEngine.create();
    private static final Timeouts TIMEOUTS = Timeouts.of(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(30));
    private static String marker;
    private static DeliveryReport sent;

    @BeforeAll
    static void sendThroughPostfix() throws Exception {
        marker = UUID.randomUUID().toString();
        try (SmtpSender sender = PostfixSendTest.sender("smtp.submission.starttls", SecurityMode.STARTTLS_REQUIRED,
                TlsPolicy.MODERN, TlsProvider.JDK).credentials(Credentials.password(ENV.user(), ENV.password()))
                .build()) {
            sent = sender.send(PostfixSendTest.message(marker));
        }
        PostfixSendTest.assertModernTls(sent.endpoint().handshake().orElseThrow());
        assertThat(Mailbox.await(ENV.maildir(), marker, Duration.ofSeconds(30))).isPresent();
    }

    private static ImapFetcher imap(String portKey, SecurityMode mode, TlsPolicy preset, TlsProvider provider) {
        return SecureMail.imap(ENV.host()).port(ENV.port(portKey)).mode(mode).policy(ENV.policy(preset, provider))
                .tlsEngine(ENGINE).timeouts(TIMEOUTS).credentials(Credentials.password(ENV.user(), ENV.password()))
                .build();
    }

    private static Pop3Fetcher pop3(String portKey, SecurityMode mode, TlsPolicy preset, TlsProvider provider) {
        return SecureMail.pop3(ENV.host()).port(ENV.port(portKey)).mode(mode).policy(ENV.policy(preset, provider))
                .tlsEngine(ENGINE).timeouts(TIMEOUTS).credentials(Credentials.password(ENV.user(), ENV.password()))
                .build();
    }

    private static void assertIntact(String raw) {
        assertThat(raw).contains("Subject: interop " + marker)
                .contains("Round trip " + marker + "\r\nwith a second line\r\n.\r\nand a lone dot above")
                .contains("Message-ID: " + sent.messageId().orElseThrow());
    }

    private static String read(InputStream in) throws Exception {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void imapImplicitAndStarttls_readTheMessageBackIntact(TlsProvider provider) throws Exception {
        for (SecurityMode mode : new SecurityMode[] {SecurityMode.IMPLICIT_TLS, SecurityMode.STARTTLS_REQUIRED}) {
            String key = mode == SecurityMode.IMPLICIT_TLS ? "imap.implicit" : "imap.starttls";
            try (ImapFetcher fetcher = imap(key, mode, TlsPolicy.MODERN, provider);
                 ImapMailbox inbox = fetcher.openFolder("INBOX")) {
                List<MessageSummary> found = inbox.search(SearchCriteria.builder().subject(marker).build(), 5);
                assertThat(found).as(mode.name()).hasSize(1);
                MessageSummary m = found.get(0);
                assertThat(m.subject()).isEqualTo("interop " + marker);
                assertThat(m.messageId()).isEqualTo(sent.messageId());
                assertIntact(read(inbox.stream(m.uid())));
                PostfixSendTest.assertModernTls(inbox.endpoint().handshake().orElseThrow());
                assertThat(inbox.newest(50)).extracting(MessageSummary::uid).contains(m.uid());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void pop3ImplicitAndStls_readTheMessageBackIntact(TlsProvider provider) throws Exception {
        for (SecurityMode mode : new SecurityMode[] {SecurityMode.IMPLICIT_TLS, SecurityMode.STARTTLS_REQUIRED}) {
            String key = mode == SecurityMode.IMPLICIT_TLS ? "pop3.implicit" : "pop3.starttls";
            try (Pop3Fetcher fetcher = pop3(key, mode, TlsPolicy.MODERN, provider)) {
                Optional<String> raw = Optional.empty();
                for (Pop3MessageInfo info : fetcher.list()) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    fetcher.retrieve(info.uidl(), out);
                    String text = out.toString(StandardCharsets.UTF_8);
                    if (text.contains(marker)) {
                        raw = Optional.of(text);
                    }
                }
                assertThat(raw).as(mode.name()).isPresent();
                assertIntact(raw.get());
                PostfixSendTest.assertModernTls(fetcher.endpoint().handshake().orElseThrow());
            }
        }
    }

    private static MailSecurityException imapRefused(String key, SecurityMode mode) {
        try (ImapFetcher fetcher = imap(key, mode, TlsPolicy.MODERN, TlsProvider.JDK)) {
            return catchThrowableOfType(MailSecurityException.class, fetcher::folders);
        }
    }

    private static MailSecurityException pop3Refused(String key, SecurityMode mode) {
        try (Pop3Fetcher fetcher = pop3(key, mode, TlsPolicy.MODERN, TlsProvider.JDK)) {
            return catchThrowableOfType(MailSecurityException.class, fetcher::list);
        }
    }

    private static SecurityMode modeOf(String key) {
        return key.endsWith(".implicit") ? SecurityMode.IMPLICIT_TLS : SecurityMode.STARTTLS_REQUIRED;
    }

    /**
     * Dovecot 2.3 closes the connection without a TLS alert when it shares no version or suite with the client (its
     * log says "unsupported protocol" or "no shared cipher"), so the client cannot tell which: the refusal says so.
     * Postfix sends the alert, and PostfixSendTest checks the precise reasons.
     */
    @ParameterizedTest
    @ValueSource(strings = {"imap.weak.tls11", "imap.weak.tls11.implicit", "pop3.weak.tls11",
            "pop3.weak.tls11.implicit",
        "imap.weak.nonfs", "imap.weak.nonfs.implicit", "pop3.weak.nonfs", "pop3.weak.nonfs.implicit"})
    void weakDovecot_tls11OnlyOrNonForwardSecretOnly_refusedBeforeAnyCommand(String key) {
        MailSecurityException e = key.startsWith("imap") ? imapRefused(key, modeOf(key)) : pop3Refused(key,
                modeOf(key));
        assertThat(e).as(key).isNotNull();
        assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.TLS_REFUSED);
        assertThat(e.tlsRefusal().orElseThrow().reason()).isIn(TlsRefusalReason.HANDSHAKE_FAILED,
                TlsRefusalReason.PROTOCOL_VERSION, TlsRefusalReason.NO_SHARED_CIPHER_SUITE);
        assertThat(e.endpoint().handshake()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"imap.weak.nostarttls", "pop3.weak.nostarttls"})
    void weakDovecot_noStarttls_refusedBeforeLogin(String key) throws MessagingException {
        MailSecurityException e = key.startsWith("imap") ? imapRefused(key, SecurityMode.STARTTLS_REQUIRED)
                : pop3Refused(key, SecurityMode.STARTTLS_REQUIRED);
        assertThat(e).as(key).isNotNull();
        assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_NOT_OFFERED);
    }

    @ParameterizedTest
    @EnumSource(value = SecurityMode.class, names = {"IMPLICIT_TLS", "STARTTLS_REQUIRED"})
    void dropInImapSession_storeConnectsWithTheSameGuarantees(SecurityMode mode) throws Exception {
        String key = mode == SecurityMode.IMPLICIT_TLS ? "imap.implicit" : "imap.starttls";
        try (ImapFetcher fetcher = imap(key, mode, TlsPolicy.MODERN, TlsProvider.JDK)) {
            jakarta.mail.Store store = fetcher.session().getStore("imap");
            store.connect();
            try {
                jakarta.mail.Folder inbox = store.getFolder("INBOX");
                inbox.open(jakarta.mail.Folder.READ_ONLY);
                assertThat(inbox.getMessageCount()).isPositive();
                MimeMessage first = (MimeMessage) inbox.getMessage(1);
                assertThat(first.getSubject()).isNotNull();
                inbox.close(false);
            } finally {
                store.close();
            }
        }
    }
}
