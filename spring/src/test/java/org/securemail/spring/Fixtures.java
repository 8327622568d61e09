package org.securemail.spring;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.securemail.testing.RecordingServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;

/** A per-run PKI, a server identity for localhost, and the properties that point a Boot application at a server. */
final class Fixtures {
    static final TestPki PKI = TestPki.create("Spring");
    static final SSLContext SERVER_TLS = ServerTls.context(PKI.localhostLeaf().issue());
    static final String USER = "alice";
    static final String PASSWORD = "s3cret-Spring-Passw0rd";

    private Fixtures() {
    }

    /** The properties of an SSL bundle "mail" that trusts the test PKI only. */
    static List<String> bundle() {
        return List.of("spring.ssl.bundle.pem.mail.truststore.certificate=" + PKI.rootPem());
    }

    /** Boot's usual keys for an SMTP server on this machine, trusting the test PKI through the bundle. */
    static String[] smtp(int port, String... more) {
        List<String> p = new ArrayList<>(bundle());
        p.add("spring.mail.host=localhost");
        p.add("spring.mail.port=" + port);
        p.add("spring.mail.username=" + USER);
        p.add("spring.mail.password=" + PASSWORD);
        p.add("spring.mail.ssl.bundle=mail");
        p.add("securemail.timeouts.connect=5s");
        p.add("securemail.timeouts.read=5s");
        p.add("securemail.timeouts.write=5s");
        p.addAll(List.of(more));
        return p.toArray(new String[0]);
    }

    /** Every form in which the password could have left. */
    static List<String> secretForms() {
        return List.of(PASSWORD, b64(PASSWORD), b64("\0" + USER + "\0" + PASSWORD));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Asserts that no credential, address or message byte reached the server in cleartext. */
    static void assertNothingSecretInCleartext(RecordingServer<?> server) {
        org.assertj.core.api.Assertions.assertThat(server.cleartextLines()).allSatisfy(l ->
                org.assertj.core.api.Assertions.assertThat(l.toUpperCase(java.util.Locale.ROOT))
                        .doesNotStartWith("AUTH").doesNotStartWith("MAIL").doesNotStartWith("RCPT")
                        .doesNotStartWith("DATA"));
        for (String form : secretForms()) {
            org.assertj.core.api.Assertions.assertThat(server.cleartextBytes()).doesNotContain(form);
        }
    }
}
