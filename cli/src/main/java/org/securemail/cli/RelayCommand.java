package org.securemail.cli;

import jakarta.mail.internet.MimeMessage;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.securemail.relay.DomainDelivery;
import org.securemail.relay.MxSecurity;
import org.securemail.relay.RelayReport;
import org.securemail.relay.RelaySender;
import org.securemail.transport.DeliveryOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code securemail relay}: one message straight to each recipient domain's MX hosts, under DANE, MTA-STS or
 * opportunistic TLS as the domain publishes, with the per-domain report.
 */
@Command(name = "relay", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Deliver one message straight to each recipient domain's MX hosts (port 25, no credentials),"
                + " under DANE, MTA-STS (enforce or testing) or opportunistic TLS as the domain publishes, and print"
                + " per domain which MX took it and under what. The body comes from --body-file or standard input."
                + " Exit code: 0 when every domain took it, else that of the first domain that did not.")
final class RelayCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    Options.Message content;

    @Option(names = "--require-tls", description = "Send with REQUIRETLS (RFC 8689): only to an MX that passes DANE"
            + " or MTA-STS enforce and offers REQUIRETLS; otherwise the domain fails permanently.")
    boolean requireTls;

    @Mixin
    Options.Relay relay;

    @Mixin
    Options.Tls tls;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            MimeMessage message = content.build(main.stdin);
            RelayReport report;
            try (RelaySender sender = relay.build(tls)) {
                report = requireTls ? sender.send(message, DeliveryOption.REQUIRE_TLS) : sender.send(message);
            }
            int exit = report.notDelivered().stream().findFirst().map(Describe::exitCode).orElse(Outcomes.OK);
            if (tls.json) {
                List<Object> domains = new ArrayList<>();
                report.domains().forEach(d -> domains.add(Describe.delivery(d)));
                out.println(Json.obj().put("ok", exit == Outcomes.OK).put("command", "relay").put("exitCode", exit)
                        .put("requireTls", requireTls).put("domains", domains));
            } else {
                for (DomainDelivery d : report.domains()) {
                    out.println(line(d));
                    d.report().ifPresent(r -> {
                        out.println("  reply       " + r.finalReply());
                        out.println("  accepted    " + r.accepted());
                        r.rejected().forEach((a, reply) -> out.println("  rejected    " + a + ": " + reply));
                        out.println("  TLS         " + r.endpoint().handshake().map(Describe::handshakeLine)
                                .orElse("none: cleartext (the MX offered no STARTTLS)"));
                    });
                    for (String a : d.attempts()) {
                        out.println("  attempt     " + Hints.forCli(a));
                    }
                }
            }
            out.flush();
            return exit;
        } catch (Exception e) {
            return Outcomes.fail(e, tls.json, "relay", out, err);
        }
    }

    /** One line per domain: which MX took it and under what, or why none did. */
    static String line(DomainDelivery d) {
        if (d.status() == DomainDelivery.Status.DELIVERED) {
            return d.domain() + ": delivered to " + d.mxHost().orElse("?") + " ["
                    + d.address().map(java.net.InetAddress::getHostAddress).orElse("?") + "] under "
                    + d.security().map(MxSecurity::displayName).orElse("?");
        }
        return d.domain() + ": " + d.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + d.failure().map(f -> ": " + Outcomes.message(f)).orElse("");
    }
}
