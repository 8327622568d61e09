package org.securemail.cli;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.Credentials;
import org.securemail.transport.DeliveryReport;
import org.securemail.transport.MailEndpoint;
import org.securemail.transport.MailProtocol;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code securemail send}: one message over SMTP under the policy, with the delivery report. */
@Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Send one message over SMTP under the policy and print the delivery report. The body comes"
                + " from --body-file or standard input.")
final class SendCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    Options.Connection connection;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "starttls",
            description = "implicit (465), starttls (587, default: STARTTLS required) or opportunistic (25, relaying"
                    + " between servers, never with credentials).")
    Options.Mode mode;

    @Option(names = "--from", required = true, paramLabel = "ADDR", description = "Sender address.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "ADDR", description = "Recipient (repeatable).")
    List<String> to;

    @Option(names = "--subject", paramLabel = "TEXT", defaultValue = "", description = "Subject.")
    String subject;

    @Option(names = "--body-file", paramLabel = "FILE", description = "Body text (UTF-8); default: standard input.")
    Path bodyFile;

    @Mixin
    Options.Login login;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            SecurityMode m = mode.securityMode;
            int defaultPort = MailProtocol.SMTP.defaultPort(m);
            Credentials credentials = login.credentials(main.environment);
            SmtpSender.Builder builder = SecureMail.smtp(connection.host()).port(connection.port(defaultPort))
                    .mode(m).policy(connection.tlsPolicy()).timeouts(connection.timeouts()).maxConnections(1);
            if (credentials != null) {
                builder.credentials(credentials);
            }
            MimeMessage message = message();
            DeliveryReport report;
            try (SmtpSender sender = builder.build()) {
                report = sender.send(message);
            }
            if (connection.json) {
                out.println(Json.obj().put("ok", true).put("command", "send").put("exitCode", Outcomes.OK)
                        .put("report", Describe.report(report))
                        .put("handshake", Describe.handshake(report.endpoint().handshake().orElse(null))));
            } else {
                MailEndpoint at = report.endpoint();
                out.println("Delivered to " + at.host() + ":" + at.port() + " (" + at.mode() + ")");
                out.println("  reply       " + report.finalReply());
                report.queueId().ifPresent(q -> out.println("  queue id    " + q));
                out.println("  accepted    " + report.accepted());
                for (Map.Entry<InternetAddress, String> r : report.rejected().entrySet()) {
                    out.println("  rejected    " + r.getKey() + ": " + r.getValue());
                }
                out.println("  TLS         " + report.endpoint().handshake().map(Describe::handshakeLine)
                        .orElse("none: cleartext (the server offered no STARTTLS)"));
                out.println("  timing      connect " + report.connectDuration().toMillis() + " ms, transaction "
                        + report.transactionDuration().toMillis() + " ms");
            }
            out.flush();
            return Outcomes.OK;
        } catch (Exception e) {
            return Outcomes.fail(e, connection.json, "send", out, err);
        }
    }

    private MimeMessage message() throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress(from, true));
        for (String address : to) {
            m.addRecipient(Message.RecipientType.TO, new InternetAddress(address, true));
        }
        if (!subject.isEmpty()) {
            m.setSubject(subject, "UTF-8");
        }
        m.setText(body(), "UTF-8");
        return m;
    }

    private String body() {
        try {
            byte[] bytes = bodyFile != null ? Files.readAllBytes(bodyFile) : main.stdin.readAllBytes();
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Outcomes.UsageException("cannot read the body from " + (bodyFile != null ? bodyFile
                    : "standard input") + ": " + e.getMessage());
        }
    }
}
