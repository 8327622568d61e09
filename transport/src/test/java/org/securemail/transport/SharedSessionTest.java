package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.securemail.testing.HostileSmtpServer;

/**
 * Senders with equal settings share the Jakarta Mail session behind their connections (building one is costly), but
 * nothing of one sender's: each authenticates with its own secret and reports to its own listeners.
 */
class SharedSessionTest {

    private static String authPlainSecret(String line) {
        String[] parts = line.split(" ");
        String decoded = new String(Base64.getDecoder().decode(parts[parts.length - 1]), StandardCharsets.UTF_8);
        return decoded.substring(decoded.lastIndexOf('\0') + 1);
    }

    @Test
    void sameUserDifferentSecrets_eachSenderSendsItsOwn() throws Exception {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender first = Fixtures.sender(server.port())
                     .credentials(Credentials.password("alice", "first-secret".toCharArray())).build();
             SmtpSender second = Fixtures.sender(server.port())
                     .credentials(Credentials.password("alice", "second-secret".toCharArray())).build()) {
            first.send(Fixtures.message("one"));
            second.send(Fixtures.message("two"));
            first.send(Fixtures.message("three"));
            List<String> secrets = new ArrayList<>();
            server.tlsLines().stream().filter(l -> l.startsWith("AUTH PLAIN")).forEach(l -> secrets.add(
                    authPlainSecret(l)));
            assertThat(secrets).containsExactly("first-secret", "second-secret");
            assertThat(server.messages()).hasSize(3);
        }
    }

    @Test
    void equalSettings_eachSenderHearsOnlyItsOwnDeliveries() throws Exception {
        List<String> heardByFirst = new ArrayList<>();
        List<String> heardBySecond = new ArrayList<>();
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start();
             SmtpSender first = Fixtures.sender(server.port()).listener(new MailListener() {
                 @Override
                 public void delivered(DeliveryReport report) {
                     heardByFirst.add(report.messageId().orElseThrow());
                 }
             }).build();
             SmtpSender second = Fixtures.sender(server.port()).listener(new MailListener() {
                 @Override
                 public void delivered(DeliveryReport report) {
                     heardBySecond.add(report.messageId().orElseThrow());
                 }
             }).build()) {
            DeliveryReport one = first.send(Fixtures.message("one"));
            DeliveryReport two = second.send(Fixtures.message("two"));
            assertThat(heardByFirst).containsExactly(one.messageId().orElseThrow());
            assertThat(heardBySecond).containsExactly(two.messageId().orElseThrow());
        }
    }

    @Test
    void senderSession_isTheCallersOwn_notTheSharedOne() {
        try (SmtpSender first = Fixtures.sender(2525).build(); SmtpSender second = Fixtures.sender(2525).build()) {
            assertThat(first.session()).isSameAs(first.session()).isNotSameAs(second.session());
        }
    }
}
