package org.securemail.examples.recipes;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TrustSource;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;
import org.securemail.transport.Timeouts;

/** A per-run PKI standing in for a corporate CA, a server identity for localhost, and a policy trusting that PKI. */
final class RecipeFixtures {
    static final TestPki PKI = TestPki.create("Recipes Corporate CA");
    static final TestPki.Issued SERVER = PKI.localhostLeaf().issue();
    static final SSLContext SERVER_TLS = ServerTls.context(SERVER);
    static final TlsPolicy POLICY = TlsPolicy.MODERN.toBuilder()
            .trust(TrustSource.certificates(List.of(PKI.rootCertificate()))).build();
    static final Timeouts FAST = Timeouts.of(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10));

    private RecipeFixtures() {
    }

    static MimeMessage message(String subject) throws MessagingException {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("app@example.test"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@example.test"));
        m.setSubject(subject);
        m.setText("Sent by a recipe.\n");
        return m;
    }
}
