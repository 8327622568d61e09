package org.securemail.transport;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import org.securemail.core.TlsEngine;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TrustSource;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;

/** A per-run PKI, a server identity for localhost, and a policy that trusts only that PKI. */
final class Fixtures {
    static final TestPki PKI = TestPki.create("Transport");
    static final TestPki.Issued SERVER = PKI.localhostLeaf().issue();
    static final SSLContext SERVER_TLS = ServerTls.context(SERVER);
    static final TlsEngine ENGINE = TlsEngine.create();
    static final char[] PASSWORD = "s3cret-Passw0rd".toCharArray();
    static final Timeouts FAST = Timeouts.of(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));

    private Fixtures() {
    }

    static TlsPolicy policy(TlsProvider provider) {
        return TlsPolicy.builder().trust(TrustSource.certificates(List.of(PKI.rootCertificate()))).provider(provider)
                .build();
    }

    static TlsPolicy policy() {
        return policy(TlsProvider.JDK);
    }

    static MimeMessage message(String subject) throws MessagingException {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("sender@example.test"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("rcpt@example.test"));
        m.setSubject(subject);
        m.setText("Hello over TLS.\nSecond line.\n");
        return m;
    }

    static SmtpSender.Builder sender(int port) {
        return SecureMail.smtp("localhost").port(port).policy(policy()).tlsEngine(ENGINE).timeouts(FAST);
    }
}
