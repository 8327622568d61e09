package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.mail.Transport;
import java.net.InetAddress;
import org.securemail.core.TlsRefusalReason;
import org.junit.jupiter.api.Test;
import org.securemail.policy.SecurityMode;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;

/**
 * {@link MailClientBuilder#connectTo(InetAddress)}: the connection goes to the given address, and the host name still
 * decides which certificate is accepted. The names below are not in any DNS; only the address makes them reachable.
 */
class ConnectToTest {
    private static final TestPki.Issued MX = Fixtures.PKI.leaf().dnsNames("mx1.relay.test").issue();

    @Test
    void connectTo_nameNotInDns_deliversToTheAddress_certificateCheckedForTheName() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX)).start();
             SmtpSender sender = SecureMail.smtp("mx1.relay.test").port(server.port()).policy(Fixtures.policy())
                     .tlsEngine(Fixtures.ENGINE).timeouts(Fixtures.FAST)
                     .connectTo(InetAddress.getLoopbackAddress()).build()) {
            DeliveryReport report = sender.send(Fixtures.message("via address"));
            assertThat(report.endpoint().host()).isEqualTo("mx1.relay.test");
            assertThat(report.endpoint().handshake().orElseThrow().isAuthenticated()).isTrue();
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void connectTo_certificateForAnotherName_refusedBeforeTheEnvelope() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX)).start();
             SmtpSender sender = SecureMail.smtp("mx2.relay.test").port(server.port()).policy(Fixtures.policy())
                     .tlsEngine(Fixtures.ENGINE).timeouts(Fixtures.FAST)
                     .connectTo(InetAddress.getLoopbackAddress()).build()) {
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class,
                    () -> sender.send(Fixtures.message("wrong name")));
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.TLS_REFUSED);
            assertThat(e.tlsRefusal().orElseThrow().reason()).isEqualTo(TlsRefusalReason.HOST_NAME_MISMATCH);
            assertThat(e.getMessage()).contains("mx2.relay.test");
            assertThat(server.tlsLines()).noneMatch(l -> l.startsWith("MAIL"));
            assertThat(server.messages()).isEmpty();
        }
    }

    @Test
    void connectTo_dropInSession_goesToTheAddressToo() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(MX)).start()) {
            jakarta.mail.Session session = SecureMail.smtp("mx1.relay.test").port(server.port())
                    .policy(Fixtures.policy()).tlsEngine(Fixtures.ENGINE).timeouts(Fixtures.FAST)
                    .connectTo(InetAddress.getLoopbackAddress()).buildSession();
            jakarta.mail.internet.MimeMessage m = Fixtures.message("drop-in via address");
            try (Transport t = session.getTransport()) {
                t.connect();
                t.sendMessage(m, m.getAllRecipients());
            }
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void connectTo_insecureLocalMode_otherMachine_refusedWithoutConnecting() throws Exception {
        InetAddress elsewhere = InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}); // TEST-NET-1, never used
        SmtpSender sender = SecureMail.smtp("localhost").insecureCleartextForLocalDevelopment().port(2525)
                .timeouts(Fixtures.FAST).connectTo(elsewhere).build();
        try (sender) {
            MailSecurityException e = catchThrowableOfType(MailSecurityException.class,
                    () -> sender.send(Fixtures.message("x")));
            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.UNSAFE_CONFIGURATION);
            assertThat(e.getMessage()).contains("connects only to this machine").contains("192.0.2.1");
        }
    }

    @Test
    void connectTo_null_refused() {
        assertThat(catchThrowableOfType(NullPointerException.class,
                () -> SecureMail.smtp("mx.test").connectTo(null))).hasMessage("address");
    }
}
