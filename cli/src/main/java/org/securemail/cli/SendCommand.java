package org.securemail.cli;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.PrintWriter;
import java.util.Map;
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

    @Mixin
    Options.Message content;

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
            MimeMessage message = content.build(main.stdin);
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
}
