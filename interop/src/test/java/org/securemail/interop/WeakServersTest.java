package org.securemail.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.securemail.core.TlsEngine;
import org.securemail.core.TlsRefusalReason;
import org.securemail.interop.MatrixRecorder.Cell;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsProvider;
import org.securemail.transport.Credentials;
import org.securemail.transport.ImapFetcher;
import org.securemail.transport.MailSecurityException;
import org.securemail.transport.Pop3Fetcher;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;
import org.securemail.transport.Timeouts;

/**
 * Each sandboxed server's own weak configuration (Exim's GnuTLS priority string and cleartext AUTH, Cyrus's
 * per-service tls_versions and allowplaintext, Courier's TLS_PRIORITY and POP3_STARTTLS=NO) is refused before any
 * credential leaves, with the reason that names the rule and a message that says what the server did.
 */
@ExtendWith(MatrixRecorder.class)
class WeakServersTest {
    private static final InteropEnvironment ENV = InteropEnvironment.get();
    private static final TlsEngine ENGINE = TlsEngine.create();
    private static final Timeouts TIMEOUTS = Timeouts.of(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(30));

    /**
     * A weak listener: the server, its protocol, the interop.properties key, the one weakness it has, and how the
     * refusal must be classified (the TLS refusal reason for TLS weaknesses, the refusal reason otherwise).
     */
    record Weak(String server, String protocol, String key, String weakness, Enum<?> expected) {
        SecurityMode mode() {
            return key.endsWith(".implicit") ? SecurityMode.IMPLICIT_TLS : SecurityMode.STARTTLS_REQUIRED;
        }

        Cell cell(TlsProvider provider) {
            return new Cell(server, protocol + (mode() == SecurityMode.IMPLICIT_TLS ? " implicit TLS" : " STARTTLS"),
                    weakness + " → " + expected.name(), provider == TlsProvider.JDK ? "JDK" : "Bouncy Castle");
        }
    }

    /*
     * How each server turns away a TLS 1.2+ AEAD-only ClientHello: Exim's GnuTLS finds no TLS 1.1 suite in it and
     * sends handshake_failure before any ServerHello (so "no shared suite" is what the client can see); Cyrus's
     * OpenSSL answers with a TLS 1.1 ServerHello (an old version); Courier's couriertls closes without an alert.
     */
    private static final Weak[] TLS11 = {
        new Weak("Exim", "SMTP", "exim.smtp.weak.tls11", "TLS 1.0/1.1 only", TlsRefusalReason.NO_SHARED_CIPHER_SUITE),
        new Weak("Exim", "SMTP", "exim.smtp.weak.tls11.implicit", "TLS 1.0/1.1 only",
                TlsRefusalReason.NO_SHARED_CIPHER_SUITE),
        new Weak("Cyrus", "IMAP", "cyrus.imap.weak.tls11", "TLS 1.0/1.1 only", TlsRefusalReason.PROTOCOL_VERSION),
        new Weak("Cyrus", "IMAP", "cyrus.imap.weak.tls11.implicit", "TLS 1.0/1.1 only",
                TlsRefusalReason.PROTOCOL_VERSION),
        new Weak("Courier", "IMAP", "courier.imap.weak.tls11.implicit", "TLS 1.0/1.1 only",
                TlsRefusalReason.HANDSHAKE_FAILED),
    };

    /* Cyrus, given no usable certificate for one service, still lists STLS in CAPA and answers it with -ERR. */
    private static final Weak[] NO_STARTTLS = {
        new Weak("Exim", "SMTP", "exim.smtp.weak.nostarttls", "no STARTTLS, AUTH in cleartext",
                MailSecurityException.Reason.STARTTLS_NOT_OFFERED),
        new Weak("Cyrus", "POP3", "cyrus.pop3.weak.nostarttls", "STLS offered but fails, USER/PASS in cleartext",
                MailSecurityException.Reason.STARTTLS_REFUSED),
        new Weak("Courier", "POP3", "courier.pop3.weak.nostarttls", "no STLS, USER/PASS in cleartext",
                MailSecurityException.Reason.STARTTLS_NOT_OFFERED),
    };

    private static Weak weak(Cell c) {
        return Stream.concat(Stream.of(TLS11), Stream.of(NO_STARTTLS))
                .filter(w -> w.cell(TlsProvider.JDK).toString().equals(
                        new Cell(c.server(), c.protocol(), c.mode(), "JDK").toString()))
                .findFirst().orElseThrow();
    }

    static Stream<Cell> tls11Cells() {
        return Stream.of(TLS11).flatMap(w -> Stream.of(TlsProvider.values()).map(w::cell));
    }

    static Stream<Cell> noStarttlsCells() {
        return Stream.of(NO_STARTTLS).map(w -> w.cell(TlsProvider.JDK));
    }

    private static MailSecurityException refused(Weak w, TlsProvider provider) {
        Credentials credentials = Credentials.password(ENV.user(), ENV.password());
        TlsPolicy policy = ENV.policy(TlsPolicy.MODERN, provider);
        int port = ENV.port(w.key());
        switch (w.protocol()) {
            case "SMTP" -> {
                try (SmtpSender s = SecureMail.smtp(ENV.host()).port(port).mode(w.mode()).policy(policy)
                        .tlsEngine(ENGINE).timeouts(TIMEOUTS).credentials(credentials).build()) {
                    return catchThrowableOfType(MailSecurityException.class,
                            () -> s.send(ServerMatrixTest.message(ENV.address(), UUID.randomUUID().toString())));
                }
            }
            case "IMAP" -> {
                try (ImapFetcher f = SecureMail.imap(ENV.host()).port(port).mode(w.mode()).policy(policy)
                        .tlsEngine(ENGINE).timeouts(TIMEOUTS).credentials(credentials).build()) {
                    return catchThrowableOfType(MailSecurityException.class, f::folders);
                }
            }
            default -> {
                try (Pop3Fetcher f = SecureMail.pop3(ENV.host()).port(port).mode(w.mode()).policy(policy)
                        .tlsEngine(ENGINE).timeouts(TIMEOUTS).credentials(credentials).build()) {
                    return catchThrowableOfType(MailSecurityException.class, f::list);
                }
            }
        }
    }

    private static TlsProvider provider(Cell c) {
        return c.provider().equals("JDK") ? TlsProvider.JDK : TlsProvider.BOUNCY_CASTLE;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tls11Cells")
    void weakTls11Only_refusedBeforeAnyCommand_messageNamesRuleAndServer(Cell c) {
        Weak w = weak(c);
        MailSecurityException e = refused(w, provider(c));
        assertThat(e).as(w.key()).isNotNull();
        assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.TLS_REFUSED);
        assertThat(e.tlsRefusal().orElseThrow().reason()).isEqualTo(w.expected());
        assertThat(e.endpoint().handshake()).isEmpty();
        assertThat(e.getMessage()).startsWith(ENV.host() + ":" + ENV.port(w.key()) + " refused the TLS connection ("
                + w.expected().name() + ")").endsWith("(mode " + w.mode().name() + ")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("noStarttlsCells")
    void weakNoStarttls_refusedBeforeCredentials_messageNamesRuleAndServer(Cell c) {
        Weak w = weak(c);
        MailSecurityException e = refused(w, provider(c));
        assertThat(e).as(w.key()).isNotNull();
        assertThat(e.reason()).isEqualTo(w.expected());
        String verb = w.protocol().equals("POP3") ? "STLS" : "STARTTLS";
        String what = ENV.host() + ":" + ENV.port(w.key())
                + (w.expected() == MailSecurityException.Reason.STARTTLS_NOT_OFFERED ? " did not offer " : " refused ")
                + verb;
        if (w.expected() == MailSecurityException.Reason.STARTTLS_REFUSED && verb.equals("STLS")) {
            // The server's own -ERR reply is quoted: a user can tell its reason from a policy refusal.
            assertThat(e.getMessage()).startsWith(what + ": -ERR ").contains(" (mode " + w.mode().name() + ")");
        } else {
            assertThat(e.getMessage()).startsWith(what + " (mode " + w.mode().name() + ")");
        }
    }
}
