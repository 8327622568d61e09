package org.securemail.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.securemail.core.Handshake;
import org.securemail.core.TlsEngine;
import org.securemail.core.TlsRefusalReason;
import org.securemail.policy.CipherSuite;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TlsVersion;
import org.securemail.transport.CredentialsRejectedException;
import org.securemail.transport.Credentials;
import org.securemail.transport.DeliveryReport;
import org.securemail.transport.MailSecurityException;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;
import org.securemail.transport.Timeouts;

/** Sending through a real Postfix 3.7: submission with STARTTLS and implicit TLS, relay, and its weak listeners. */
class PostfixSendTest {
    private static final InteropEnvironment ENV = InteropEnvironment.get();
    private static final TlsEngine ENGINE = TlsEngine.create();
    private static final Timeouts TIMEOUTS = Timeouts.of(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(30));

    static MimeMessage message(String marker) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress(ENV.address()));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(ENV.address()));
        m.setSubject("interop " + marker);
        m.setText("Round trip " + marker + "\nwith a second line\n.\nand a lone dot above\n", "UTF-8");
        return m;
    }

    static SmtpSender.Builder sender(String portKey, SecurityMode mode, TlsPolicy preset, TlsProvider provider) {
        return SecureMail.smtp(ENV.host()).port(ENV.port(portKey)).mode(mode).policy(ENV.policy(preset, provider))
                .tlsEngine(ENGINE).timeouts(TIMEOUTS);
    }

    /**
     * Modern TLS: version 1.2 or 1.3, a forward-secret key exchange (TLS 1.3, or ephemeral ECDHE or DHE in TLS 1.2,
     * as the negotiated suite's IANA name says), an AEAD cipher, and a certificate verified for the host.
     */
    static void assertModernTls(Handshake h) {
        assertThat(h.tlsVersion()).isIn(TlsVersion.TLS_1_2, TlsVersion.TLS_1_3);
        assertThat(h.cipherSuite().version()).isEqualTo(h.tlsVersion());
        if (h.tlsVersion() == TlsVersion.TLS_1_3) {
            assertThat(h.cipherSuite().keyExchange()).isEqualTo(CipherSuite.KeyExchange.TLS13);
        } else {
            assertThat(h.cipherSuite().keyExchange()).isIn(CipherSuite.KeyExchange.ECDHE, CipherSuite.KeyExchange.DHE);
            assertThat(h.cipherSuite().name()).matches("TLS_(ECDHE|DHE)_(RSA|ECDSA)_WITH_.*");
        }
        assertThat(h.cipherSuite().isAead()).isTrue();
        assertThat(h.isAuthenticated()).isTrue();
        assertThat(h.verifiedHostName()).contains(ENV.host());
    }

    private static DeliveryReport sendAndAwait(SmtpSender sender) throws Exception {
        String marker = UUID.randomUUID().toString();
        DeliveryReport report = sender.send(message(marker));
        assertThat(Mailbox.await(ENV.maildir(), marker, Duration.ofSeconds(30)))
                .as("Postfix delivered the message to alice's Maildir").isPresent();
        return report;
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void submissionStarttls_withPassword_delivered(TlsProvider provider) throws Exception {
        try (SmtpSender sender = sender("smtp.submission.starttls", SecurityMode.STARTTLS_REQUIRED, TlsPolicy.MODERN,
                provider).credentials(Credentials.password(ENV.user(), ENV.password())).build()) {
            DeliveryReport report = sendAndAwait(sender);
            assertThat(report.queueId()).as(report.finalReply()).isPresent();
            assertModernTls(report.endpoint().handshake().orElseThrow());
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void submissionImplicitTls_withPassword_delivered(TlsProvider provider) throws Exception {
        try (SmtpSender sender = sender("smtp.submission.implicit", SecurityMode.IMPLICIT_TLS, TlsPolicy.MODERN,
                provider).credentials(Credentials.password(ENV.user(), ENV.password())).build()) {
            assertModernTls(sendAndAwait(sender).endpoint().handshake().orElseThrow());
        }
    }

    @Test
    void relay_opportunisticWithoutCredentials_deliveredOverTls() throws Exception {
        try (SmtpSender sender = sender("smtp.relay", SecurityMode.STARTTLS_OPPORTUNISTIC, TlsPolicy.MODERN,
                TlsProvider.JDK).build()) {
            DeliveryReport report = sendAndAwait(sender);
            assertThat(report.isEncrypted()).isTrue();
            assertModernTls(report.endpoint().handshake().orElseThrow());
        }
    }

    @Test
    void restrictedPolicy_negotiatesTls13() throws Exception {
        try (SmtpSender sender = sender("smtp.submission.starttls", SecurityMode.STARTTLS_REQUIRED,
                TlsPolicy.RESTRICTED, TlsProvider.JDK).credentials(Credentials.password(ENV.user(), ENV.password()))
                .build()) {
            assertThat(sendAndAwait(sender).endpoint().handshake().orElseThrow().tlsVersion())
                    .isEqualTo(TlsVersion.TLS_1_3);
        }
    }

    @Test
    void wrongPassword_rejectedInsideTls() {
        try (SmtpSender sender = sender("smtp.submission.starttls", SecurityMode.STARTTLS_REQUIRED, TlsPolicy.MODERN,
                TlsProvider.JDK).credentials(Credentials.password(ENV.user(), "wrong".toCharArray())).build()) {
            CredentialsRejectedException e = catchThrowableOfType(CredentialsRejectedException.class,
                    () -> sender.send(message("x")));
            assertThat(e.getMessage()).contains("535");
        }
    }

    private static MailSecurityException refused(String portKey, SecurityMode mode, TlsPolicy preset,
                                                 TlsProvider provider) {
        try (SmtpSender sender = sender(portKey, mode, preset, provider)
                .credentials(Credentials.password(ENV.user(), ENV.password())).build()) {
            return catchThrowableOfType(MailSecurityException.class, () -> sender.send(message("weak")));
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void weakPostfix_tls11Only_refused(TlsProvider provider) {
        for (String key : new String[] {"smtp.weak.tls11", "smtp.weak.tls11.implicit"}) {
            SecurityMode mode = key.endsWith("implicit") ? SecurityMode.IMPLICIT_TLS : SecurityMode.STARTTLS_REQUIRED;
            MailSecurityException e = refused(key, mode, TlsPolicy.MODERN, provider);
            assertThat(e.tlsRefusal().orElseThrow().reason()).as(key).isEqualTo(TlsRefusalReason.PROTOCOL_VERSION);
        }
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void weakPostfix_nonForwardSecretOnly_refused(TlsProvider provider) {
        MailSecurityException e = refused("smtp.weak.nonfs", SecurityMode.STARTTLS_REQUIRED, TlsPolicy.MODERN,
                provider);
        assertThat(e.tlsRefusal().orElseThrow().reason()).isEqualTo(TlsRefusalReason.NO_SHARED_CIPHER_SUITE);
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void weakPostfix_cbcOnly_refusedUnderModern(TlsProvider provider) {
        MailSecurityException e = refused("smtp.weak.cbc", SecurityMode.STARTTLS_REQUIRED, TlsPolicy.MODERN, provider);
        assertThat(e.tlsRefusal().orElseThrow().reason()).isEqualTo(TlsRefusalReason.NO_SHARED_CIPHER_SUITE);
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void weakPostfix_dhe1024_refusedUnderCompatible(TlsProvider provider) {
        MailSecurityException e = refused("smtp.weak.dhe1024", SecurityMode.STARTTLS_REQUIRED, TlsPolicy.COMPATIBLE,
                provider);
        assertThat(e.tlsRefusal().orElseThrow().reason()).isEqualTo(TlsRefusalReason.WEAK_KEY_EXCHANGE);
    }

    @Test
    void weakPostfix_noStarttls_refusedBeforeAuth() {
        MailSecurityException e = refused("smtp.weak.nostarttls", SecurityMode.STARTTLS_REQUIRED, TlsPolicy.MODERN,
                TlsProvider.JDK);
        assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_NOT_OFFERED);
        assertThat(e.serverCapabilities()).anyMatch(l -> l.contains("AUTH"));
    }
}
