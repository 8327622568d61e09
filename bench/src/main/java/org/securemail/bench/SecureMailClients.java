package org.securemail.bench;

import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.securemail.core.Handshake;
import org.securemail.core.PolicyEnforcedSocket;
import org.securemail.core.TlsConnector;
import org.securemail.core.TlsEngine;
import org.securemail.policy.CipherSuite;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TlsVersion;
import org.securemail.policy.TrustSource;
import org.securemail.transport.Credentials;
import org.securemail.transport.ImapFetcher;
import org.securemail.transport.ImapMailbox;
import org.securemail.transport.MessageFlag;
import org.securemail.transport.MessageSummary;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;

/**
 * The SecureMail contenders, written with the public API only, as its documentation shows it. This is the one
 * class of the harness that calls SecureMail: when the API changes shape, adapt it here.
 *
 * <p>Every contender uses the default policy ({@link TlsPolicy#MODERN}: TLS 1.3 and 1.2, the JDK provider) with the
 * run's CA as the only trust anchor, the default mode ({@code STARTTLS_REQUIRED}), default timeouts and pool size.
 */
final class SecureMailClients {
    private SecureMailClients() {
    }

    static TlsPolicy policy(X509Certificate ca) {
        return TlsPolicy.MODERN.toBuilder().trust(TrustSource.certificates(List.of(ca))).build();
    }

    private static SmtpSender.Builder smtp(SmtpTarget t) {
        return SecureMail.smtp(t.host()).port(t.port()).policy(policy(t.ca()))
                .credentials(Credentials.password(t.user(), t.password()));
    }

    /** One {@code SmtpSender}, built once and shared: its pool keeps connections open (P1, P2, P4, latency). */
    static SmtpClient pooledSender(SmtpTarget t) {
        SmtpSender sender = smtp(t).build();
        return new SmtpClient() {
            @Override
            public void send(Mail mail, long sequence) throws Exception {
                sender.send(mail.build(sender.session(), sequence));
            }

            @Override
            public void close() {
                sender.close();
            }
        };
    }

    /** A new {@code SmtpSender} for every message, closed after it (P0): what code that does not keep one does. */
    static SmtpClient senderPerMessage(SmtpTarget t) {
        // The application's messages come from a session it keeps, as for the drop-in contender: send() uses the
        // message's session only for MIME options, and sender.session() would build a drop-in session per message.
        jakarta.mail.Session messages = jakarta.mail.Session.getInstance(new java.util.Properties());
        return new SmtpClient() {
            @Override
            public void send(Mail mail, long sequence) throws Exception {
                try (SmtpSender sender = smtp(t).build()) {
                    sender.send(mail.build(messages, sequence));
                }
            }

            @Override
            public void close() {
            }
        };
    }

    /** The drop-in session, built once, with {@code Transport.send} per message (P0, P4): what Spring does. */
    static SmtpClient dropIn(SmtpTarget t) {
        jakarta.mail.Session session = smtp(t).buildSession();
        return new SmtpClient() {
            @Override
            public void send(Mail mail, long sequence) throws Exception {
                Transport.send(mail.build(session, sequence));
            }

            @Override
            public void close() {
            }
        };
    }

    /** The drop-in session with one {@code Transport} connected once and reused (P1). */
    static SmtpClient dropInReused(SmtpTarget t) {
        jakarta.mail.Session session = smtp(t).buildSession();
        return new SmtpClient() {
            private Transport transport;

            @Override
            public void send(Mail mail, long sequence) throws Exception {
                if (transport == null) {
                    transport = session.getTransport("smtp");
                    transport.connect();
                }
                MimeMessage m = mail.build(session, sequence);
                m.saveChanges();
                transport.sendMessage(m, m.getAllRecipients());
            }

            @Override
            public void close() throws MessagingException {
                if (transport != null) {
                    transport.close();
                }
            }
        };
    }

    /**
     * SecureMail's TLS layer for P3, as the SMTP and IMAP transports use it: one engine (and SSLContext, and session
     * cache) for all connections.
     *
     * @param t the sink
     * @param provider the JSSE provider
     * @param version the only version to offer
     */
    static TlsClient tls(SmtpTarget t, TlsProvider provider, TlsVersion version) {
        TlsPolicy policy = policy(t.ca()).toBuilder().provider(provider).build();
        TlsConnector all = TlsEngine.create().connector(policy);
        List<CipherSuite> suites = new ArrayList<>();
        for (CipherSuite s : policy.cipherSuites()) {
            if (s.version() == version) {
                suites.add(s);
            }
        }
        TlsConnector connector = all.restrictedTo(List.of(version), suites);
        return new TlsClient() {
            @Override
            public SSLSocket handshake(Socket connected) throws IOException {
                SSLSocket s = connector.layer(connected, t.host(), t.implicitPort(), SecurityMode.IMPLICIT_TLS);
                s.startHandshake();
                return s;
            }

            @Override
            public boolean resumed(SSLSocket socket) {
                return ((PolicyEnforcedSocket) socket).handshake().map(Handshake::isResumed).orElse(false);
            }
        };
    }

    /** One {@code ImapFetcher} per call, {@code openFolder} and {@code newest(count)} (P5). */
    static MailboxReader imap(ImapTarget t) {
        return (folder, count) -> {
            try (ImapFetcher imap = SecureMail.imap(t.host()).port(t.port()).policy(policy(t.ca()))
                    .credentials(Credentials.password(t.user(), t.password())).build();
                 ImapMailbox box = imap.openFolder(folder)) {
                List<MessageSummary> found = box.newest(count);
                List<MailboxReader.Summary> out = new ArrayList<>(found.size());
                for (MessageSummary m : found) {
                    out.add(new MailboxReader.Summary(m.uid(), m.messageId().orElse(null),
                            InternetAddress.toString(m.from().toArray(new InternetAddress[0])),
                            InternetAddress.toString(m.to().toArray(new InternetAddress[0])), m.subject(),
                            m.sentDate().map(Instant::toEpochMilli).orElse(-1L),
                            m.receivedDate().map(Instant::toEpochMilli).orElse(-1L),
                            m.flags().contains(MessageFlag.SEEN), m.size()));
                }
                return out;
            }
        };
    }
}
