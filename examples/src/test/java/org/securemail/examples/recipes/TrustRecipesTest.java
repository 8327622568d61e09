package org.securemail.examples.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.securemail.testing.WireAssertions.assertNothingSentInCleartext;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.securemail.core.TlsRefusalReason;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TrustSource;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.TestPki;
import org.securemail.transport.Credentials;
import org.securemail.transport.DeliveryReport;
import org.securemail.transport.MailSecurityException;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;

/** The trust recipes deliver to a server whose certificate a "corporate CA" issued, and the default refuses it. */
class TrustRecipesTest {
    private static final char[] PASSWORD = "corp-Passw0rd".toCharArray();

    @TempDir
    Path dir;

    private Path caPem() throws Exception {
        Path pem = dir.resolve("corporate-root.pem");
        Files.writeString(pem, RecipeFixtures.PKI.rootPem(), StandardCharsets.US_ASCII);
        return pem;
    }

    private static DeliveryReport sendWith(TlsPolicy policy, HostileSmtpServer server) throws Exception {
        try (SmtpSender sender = SecureMail.smtp("localhost").port(server.port()).policy(policy)
                .timeouts(RecipeFixtures.FAST).credentials(Credentials.password("app", PASSWORD)).build()) {
            return sender.send(RecipeFixtures.message("trust"));
        }
    }

    @Test
    void corporateCa_serverIssuedByThatCa_deliversOverVerifiedTls() throws Exception {
        TlsPolicy policy = TrustRecipes.corporateCa(caPem());
        assertThat(policy.trust().certificates()).containsExactly(RecipeFixtures.PKI.rootCertificate());
        try (HostileSmtpServer server = HostileSmtpServer.builder(RecipeFixtures.SERVER_TLS).start()) {
            DeliveryReport report = sendWith(policy, server);
            assertThat(report.finalReply()).startsWith("250");
            assertThat(report.endpoint().handshake().orElseThrow().isAuthenticated()).isTrue();
            assertThat(server.messages()).hasSize(1);
            assertNothingSentInCleartext(server, List.of(new String(PASSWORD)));
        }
    }

    @Test
    void corporateCa_serverOfAnotherCa_refusedAsUntrusted_beforeAnyCredential() throws Exception {
        TestPki other = TestPki.create("Someone Else");
        TlsPolicy policy = TrustRecipes.corporateCa(caPem());
        try (HostileSmtpServer server = HostileSmtpServer.builder(
                org.securemail.testing.ServerTls.context(other.localhostLeaf().issue())).start()) {
            assertThatThrownBy(() -> sendWith(policy, server))
                    .isInstanceOfSatisfying(MailSecurityException.class, e -> {
                        assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.TLS_REFUSED);
                        assertThat(e.tlsRefusal().orElseThrow().reason())
                                .isEqualTo(TlsRefusalReason.CERTIFICATE_UNTRUSTED);
                    });
            assertThat(server.messages()).isEmpty();
            assertThat(server.tlsLines()).isEmpty();
            assertNothingSentInCleartext(server, List.of(new String(PASSWORD)));
        }
    }

    @Test
    void corporateTrustStore_pkcs12WithTheCa_delivers() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("corp", RecipeFixtures.PKI.rootCertificate());
        char[] storePassword = "changeit".toCharArray();
        Path p12 = dir.resolve("corporate-truststore.p12");
        try (OutputStream out = Files.newOutputStream(p12)) {
            ks.store(out, storePassword);
        }
        TlsPolicy policy = TrustRecipes.corporateTrustStore(p12, storePassword);
        assertThat(policy.trust().kind()).isEqualTo(TrustSource.Kind.CERTIFICATES);
        try (HostileSmtpServer server = HostileSmtpServer.builder(RecipeFixtures.SERVER_TLS).start()) {
            assertThat(sendWith(policy, server).finalReply()).startsWith("250");
        }
    }

    @Test
    void corporateCaAndJvmCas_trustsBoth_andDelivers() throws Exception {
        TlsPolicy policy = TrustRecipes.corporateCaAndJvmCas(caPem());
        assertThat(policy.trust().certificates()).contains(RecipeFixtures.PKI.rootCertificate());
        assertThat(policy.trust().certificates().size()).as("the JVM's CAs are there too").isGreaterThan(1);
        try (HostileSmtpServer server = HostileSmtpServer.builder(RecipeFixtures.SERVER_TLS).start()) {
            assertThat(sendWith(policy, server).finalReply()).startsWith("250");
        }
    }

    @Test
    void jvmTrustStore_isTheDefault_andRefusesAPrivateCa() throws Exception {
        try (SmtpSender sender = TrustRecipes.jvmTrustStore("localhost", Credentials.password("app", PASSWORD))) {
            assertThat(sender.toString())
                    .isEqualTo("SmtpSender{SMTP localhost:587, STARTTLS_REQUIRED, Credentials{user=app, PASSWORD}}");
        }
        assertThat(TlsPolicy.MODERN.trust()).isEqualTo(TrustSource.system());
        try (HostileSmtpServer server = HostileSmtpServer.builder(RecipeFixtures.SERVER_TLS).start()) {
            assertThatThrownBy(() -> sendWith(TlsPolicy.MODERN, server))
                    .isInstanceOfSatisfying(MailSecurityException.class, e -> assertThat(
                            e.tlsRefusal().orElseThrow().reason().isAuthenticationFailure()).isTrue());
            assertThat(server.messages()).isEmpty();
            assertNothingSentInCleartext(server, List.of(new String(PASSWORD)));
        }
    }
}
