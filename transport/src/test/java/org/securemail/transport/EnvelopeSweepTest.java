package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.RecordingServer;

/**
 * The envelope bytes on the wire are exactly the address that was checked. Angus Mail writes commands by keeping the
 * low byte of each character, so U+0140 would become {@code @} and U+013E {@code >}: an address that passes
 * {@code InternetAddress} checks and an application's own could be delivered elsewhere. Swept, not sampled: every code
 * point from U+0000 to U+02FF and the SMTP-significant characters, in every position of the recipient and of the
 * sender, on the pooled sender and on the drop-in transport, with and without SMTPUTF8. For each address, either
 * nothing at all reached the server, or the bytes it received decode to exactly that address and the report names it.
 */
class EnvelopeSweepTest {
    private static final String SIGNIFICANT = "@<>=;: \0\r\n\t\"\\[],.()";

    static List<String> addresses() {
        List<String> chars = new ArrayList<>();
        for (int cp = 0; cp <= 0x2ff; cp++) {
            chars.add(new String(Character.toChars(cp)));
        }
        for (char c : SIGNIFICANT.toCharArray()) {
            chars.add(String.valueOf(c));
        }
        chars.add(" NOTIFY=SUCCESS");
        chars.add("> SIZE=1");
        chars.add("\u013e \u0120NOTIFY\u013dSUCCESS");
        List<String> out = new ArrayList<>();
        for (String c : chars) {
            out.add(c + "ab@company.example");
            out.add("a" + c + "b@company.example");
            out.add("ab" + c + "@company.example");
            out.add("ab@" + c + "company.example");
            out.add("ab@company" + c + ".example");
            out.add("ab@company.example" + c);
        }
        return out;
    }

    private static InternetAddress unchecked(String address) {
        InternetAddress a = new InternetAddress();
        a.setAddress(address); // no validation at all: the worst case an application can hand over
        return a;
    }

    private static String decode(RecordingServer.Line line, boolean utf8) {
        byte[] raw = line.text.getBytes(StandardCharsets.ISO_8859_1);
        return new String(raw, utf8 ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII);
    }

    /** One way of sending that returns the accepted recipients. */
    interface Way {
        List<String> send(MimeMessage m, Address recipient) throws MessagingException;
    }

    @ParameterizedTest(name = "SMTPUTF8 {0}")
    @ValueSource(booleans = {false, true})
    void everyRecipient_refusedOrSentExactly_pooledSender(boolean utf8) throws Exception {
        sweep(utf8, false);
    }

    @ParameterizedTest(name = "SMTPUTF8 {0}")
    @ValueSource(booleans = {false, true})
    void everySender_refusedOrSentExactly_pooledSender(boolean utf8) throws Exception {
        sweep(utf8, true);
    }

    @ParameterizedTest(name = "SMTPUTF8 {0}")
    @ValueSource(booleans = {false, true})
    void everyRecipient_refusedOrSentExactly_dropInTransport(boolean utf8) throws Exception {
        try (HostileSmtpServer server = server(utf8)) {
            SmtpSender.Builder b = Fixtures.sender(server.port());
            if (utf8) {
                b.property("mail.mime.allowutf8", "true");
            }
            Session session = b.buildSession();
            try (Transport t = session.getTransport("smtp")) {
                t.connect();
                check(server, utf8, false, (m, rcpt) -> {
                    MimeMessage copy = new MimeMessage(session);
                    copy.setFrom(m.getFrom()[0]);
                    copy.setText("sweep");
                    copy.saveChanges();
                    // The envelope as a caller passes it to sendMessage, as Transport.send(msg, addresses) does.
                    t.sendMessage(copy, new Address[] {rcpt});
                    return List.of(((InternetAddress) rcpt).getAddress());
                });
            }
        }
    }

    private static HostileSmtpServer server(boolean utf8) {
        HostileSmtpServer.Builder b = HostileSmtpServer.builder(Fixtures.SERVER_TLS);
        if (utf8) {
            b.extensions("SMTPUTF8");
        }
        return b.start();
    }

    private void sweep(boolean utf8, boolean sender) throws Exception {
        try (HostileSmtpServer server = server(utf8)) {
            SmtpSender.Builder b = Fixtures.sender(server.port());
            if (utf8) {
                b.property("mail.mime.allowutf8", "true");
            }
            try (SmtpSender smtp = b.build()) {
                check(server, utf8, sender, (m, rcpt) -> {
                    DeliveryReport r = smtp.send(m);
                    List<String> accepted = new ArrayList<>();
                    for (InternetAddress a : r.accepted()) {
                        accepted.add(a.getAddress());
                    }
                    return accepted;
                });
            }
        }
    }

    private void check(HostileSmtpServer server, boolean utf8, boolean sender, Way way) throws Exception {
        int refused = 0;
        int sent = 0;
        for (String address : addresses()) {
            Session plain = Session.getInstance(new java.util.Properties());
            SMTPMessage m = new SMTPMessage(plain);
            m.setFrom(new InternetAddress("sender@example.test"));
            InternetAddress rcpt = sender ? new InternetAddress("rcpt@example.test") : unchecked(address);
            m.setRecipient(Message.RecipientType.TO, rcpt);
            if (sender) {
                m.setEnvelopeFrom(address);
            }
            m.setText("sweep");
            int before = server.lines().size();
            List<String> accepted;
            try {
                accepted = way.send(m, rcpt);
            } catch (InvalidMessageException e) {
                refused++;
                assertThat(server.lines().subList(before, server.lines().size()))
                        .as("nothing of a refused message reaches the server: %s", escaped(address))
                        .noneMatch(l -> l.verb().equals("MAIL") || l.verb().equals("RCPT") || l.verb().equals("DATA"));
                continue;
            }
            sent++;
            List<RecordingServer.Line> lines = server.lines().subList(before, server.lines().size());
            String verb = sender ? "MAIL" : "RCPT";
            RecordingServer.Line line = lines.stream().filter(l -> l.verb().equals(verb)).findFirst().orElseThrow();
            // The report names what was sent to: on the pooled sender the recipient comes from the To header as
            // MimeMessage parses it back (which trims whitespace), on the drop-in transport from the caller's array.
            assertThat(accepted).hasSize(1);
            String named = sender ? address : accepted.get(0);
            String expected = sender ? "MAIL FROM:<" + named + ">" : "RCPT TO:<" + named + ">";
            assertThat(decode(line, utf8)).as("bytes received for %s", escaped(address)).startsWith(expected);
            String rest = decode(line, utf8).substring(expected.length());
            assertThat(rest).as("parameters after %s", escaped(address)).matches("( SIZE=\\d+| SMTPUTF8)*");
        }
        assertThat(sent).isPositive();
        assertThat(refused).isPositive();
    }

    private static String escaped(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }
}
