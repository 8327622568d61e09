package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.securemail.core.TlsEngine;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TrustSource;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.TestPki;

/** Clients built without an engine share TlsEngine.shared(): a new sender resumes the TLS session of an earlier one. */
class SharedEngineTest {
    @Test
    void newSenderPerMessage_equalPolicies_resumeEachOther() throws Exception {
        TestPki pki = TestPki.create("Shared");
        try (HostileSmtpServer server = HostileSmtpServer.builder(
                org.securemail.testing.ServerTls.context(pki.localhostLeaf().issue())).start()) {
            DeliveryReport[] reports = new DeliveryReport[3];
            for (int i = 0; i < reports.length; i++) {
                // A new, equal policy each time, as code that builds everything per message does.
                TlsPolicy policy = TlsPolicy.builder()
                        .trust(TrustSource.certificates(java.util.List.of(pki.rootCertificate()))).build();
                try (SmtpSender sender = SecureMail.smtp("localhost").port(server.port()).policy(policy)
                        .timeouts(Fixtures.FAST).build()) {
                    reports[i] = sender.send(Fixtures.message("shared " + i));
                }
            }
            assertThat(reports[0].endpoint().handshake().orElseThrow().isResumed()).isFalse();
            assertThat(reports[1].endpoint().handshake().orElseThrow().isResumed()).isTrue();
            assertThat(reports[2].endpoint().handshake().orElseThrow().isResumed()).isTrue();
            assertThat(reports[2].endpoint().handshake().orElseThrow().verifiedHostName()).contains("localhost");
        }
    }

    @Test
    void ownEngine_keepsItsSessionsApart() throws Exception {
        TestPki pki = TestPki.create("Apart");
        TlsPolicy policy = TlsPolicy.builder()
                .trust(TrustSource.certificates(java.util.List.of(pki.rootCertificate()))).build();
        try (HostileSmtpServer server = HostileSmtpServer.builder(
                org.securemail.testing.ServerTls.context(pki.localhostLeaf().issue())).start()) {
            for (int i = 0; i < 2; i++) {
                try (SmtpSender sender = SecureMail.smtp("localhost").port(server.port()).policy(policy)
                        .tlsEngine(TlsEngine.create()).timeouts(Fixtures.FAST).build()) {
                    assertThat(sender.send(Fixtures.message("apart")).endpoint().handshake().orElseThrow()
                            .isResumed()).isFalse();
                }
            }
        }
    }
}
