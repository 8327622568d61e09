package org.securemail.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TrustSource;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;
import org.securemail.transport.SecureMail;
import org.securemail.transport.Timeouts;

/**
 * Every connection sets TCP_NODELAY (docs/angus-behaviours.md AB-15: Nagle plus delayed ACKs cost tens of ms per
 * command round trip).
 */
class TcpNoDelayTest {
    private static final TestPki PKI = TestPki.create("NoDelay");

    private static HardenedSmtpTransport connect(int port, SecurityMode mode) throws Exception {
        Session s = SecureMail.smtp("localhost").port(port).mode(mode)
                .policy(TlsPolicy.builder().trust(TrustSource.certificates(List.of(PKI.rootCertificate()))).build())
                .timeouts(Timeouts.DEFAULT.withRead(Duration.ofSeconds(5))).buildSession();
        HardenedSmtpTransport t = (HardenedSmtpTransport) s.getTransport("smtp");
        t.connect();
        return t;
    }

    @Test
    void starttlsConnection_plainSocketHasTcpNoDelay() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(PKI.localhostLeaf().issue()))
                .start()) {
            HardenedSmtpTransport t = connect(server.port(), SecurityMode.STARTTLS_REQUIRED);
            ConnectionContext ctx = t.connection().orElseThrow();
            assertThat(ctx.guard().getTcpNoDelay()).isTrue();
            assertThat(ctx.isTlsVerified()).isTrue();
            t.close();
        }
    }

    @Test
    void implicitTlsConnection_socketUnderTlsHasTcpNoDelay() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(PKI.localhostLeaf().issue()))
                .implicitTls(true).start()) {
            HardenedSmtpTransport t = connect(server.port(), SecurityMode.IMPLICIT_TLS);
            ConnectionContext ctx = t.connection().orElseThrow();
            assertThat(ctx.guard().isTls()).isTrue();
            assertThat(ctx.guard().getTcpNoDelay()).isTrue();
            assertThat(ctx.tlsSocket().getTcpNoDelay()).isTrue();
            t.close();
        }
    }
}
