package org.securemail.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSocket;
import org.securemail.core.Handshake;
import org.securemail.core.PolicyEnforcedSocket;
import org.securemail.core.TlsConnector;
import org.securemail.core.TlsEngine;
import org.securemail.core.TlsRefusedException;
import org.securemail.policy.CipherSuite;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsVersion;
import org.securemail.relay.DomainProbe;
import org.securemail.relay.MxProbe;
import org.securemail.relay.RelaySender;
import org.securemail.transport.MailProtocol;
import org.securemail.transport.Timeouts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code securemail probe}: connects without credentials and reports whether STARTTLS is offered, what the server
 * negotiates under the policy, its certificate chain, which of the policy's versions and suites it accepts, and which
 * rules it fails.
 */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Connect without credentials and report what the server offers and negotiates under the policy:"
                + " STARTTLS, TLS version and suite, certificate chain, the policy's versions and suites it accepts, and"
                + " the rules it fails. Exit code 0 when the server meets the policy, 3 when it does not. With --mx"
                + " DOMAIN instead of --server: the domain's MX hosts, MTA-STS policy and per host the policy relay"
                + " would apply (DANE, MTA-STS, opportunistic) and a connection under it, without sending mail; exit"
                + " code 0 when a host would take a message now.")
final class ProbeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options.ProbeTarget connection;

    @Mixin
    Options.Relay relay;

    @Option(names = "--protocol", paramLabel = "PROTOCOL", description = "smtp, imap or pop3; without it, from the"
            + " --server port: 25, 465, 587 smtp; 143, 993 imap; 110, 995 pop3.")
    MailProtocol protocol;

    /** Whether the protocol came from the port rather than from --protocol. */
    boolean protocolFromPort;

    @Option(names = "--mode", paramLabel = "MODE",
            description = "implicit or starttls (smtp also: opportunistic); default: implicit on 465, 993 and 995,"
                    + " starttls elsewhere.")
    Options.Mode mode;

    /** One connection attempt. */
    static final class Attempt {
        StartTlsPreamble preamble;
        Handshake handshake;
        TlsRefusedException refusal;
        String problem;
        String ioError;
        IOException ioFailure;

        boolean reachedTls() {
            return handshake != null || refusal != null;
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return connection.mx != null ? probeMx(out) : probe(out);
        } catch (Exception e) {
            return Outcomes.fail(e, connection.json, "probe", out, err);
        }
    }

    /**
     * {@code probe --mx DOMAIN}: the domain's MX hosts as {@code relay} would deliver to them, each connected to under
     * its policy and left with QUIT. Exit code 0 when a host would take a message now; 5 for a null MX or no such
     * domain; 3 when hosts were refused or passed over for their policy; 4 when they could not be reached.
     */
    private int probeMx(PrintWriter out) {
        if (connection.server != null || protocol != null || mode != null) {
            throw new Outcomes.UsageException("--mx cannot be combined with --server, --protocol or --mode: it probes"
                    + " the domain's MX hosts on the SMTP port, in the mode each host's policy gives");
        }
        DomainProbe result;
        try (RelaySender sender = relay.build(connection)) {
            try {
                result = sender.probe(connection.mx);
            } catch (IllegalArgumentException e) {
                throw new Outcomes.UsageException("--mx " + e.getMessage());
            }
        }
        int exit;
        if (result.deliverableHost().isPresent()) {
            exit = Outcomes.OK;
        } else if (result.mxFailure().isPresent()) {
            exit = result.mxFailurePermanent() ? Outcomes.PERMANENT : Outcomes.TRANSIENT;
        } else if (result.hosts().stream().anyMatch(h -> h.skipReason().isPresent() || h.connections().stream()
                .anyMatch(c -> c.outcome() == MxProbe.Outcome.REFUSED))) {
            exit = Outcomes.SECURITY;
        } else {
            exit = Outcomes.TRANSIENT;
        }
        if (connection.json) {
            out.println(Json.obj().put("ok", exit == Outcomes.OK).put("command", "probe").put("exitCode", exit)
                    .put("policy", connection.policy.name()).put("probe", Describe.probe(result)));
        } else {
            out.println(Hints.forCli(result.toString()));
        }
        out.flush();
        return exit;
    }

    private int probe(PrintWriter out) {
        String host = connection.host();
        resolveProtocol();
        int port = connection.port(defaultPort());
        SecurityMode securityMode = securityMode(port);
        TlsPolicy policy = connection.tlsPolicy();
        Timeouts timeouts = connection.timeouts();
        TlsConnector connector = TlsEngine.create().connector(policy);

        Attempt main = attempt(connector, host, port, securityMode, timeouts);
        List<Json.Obj> versions = new ArrayList<>();
        List<Json.Obj> suites = new ArrayList<>();
        List<String> versionLines = new ArrayList<>();
        List<String> suiteLines = new ArrayList<>();
        // Each version and suite on its own connection, once TLS is known to be spoken; a server that answered in
        // cleartext would only refuse each of them the same way.
        if (main.reachedTls() && !answeredInCleartext(main)) {
            for (TlsVersion v : policy.versions()) {
                List<CipherSuite> forVersion = policy.cipherSuites().stream().filter(s -> s.version() == v)
                        .collect(Collectors.toList());
                Attempt a = restricted(connector, List.of(v), forVersion, host, port, securityMode, timeouts);
                versions.add(result(a).put("version", v.protocolName()));
                versionLines.add(v.protocolName() + " " + verdict(a));
            }
            for (CipherSuite s : policy.cipherSuites()) {
                Attempt a = restricted(connector, List.of(s.version()), List.of(s), host, port, securityMode, timeouts);
                suites.add(result(a).put("cipherSuite", s.name()));
                suiteLines.add(s.name() + " " + verdict(a));
            }
        }

        List<String> failures = failures(main);
        boolean passes = failures.isEmpty();
        int exit = passes ? Outcomes.OK : main.ioError != null && !main.reachedTls() && main.problem == null
                ? Outcomes.TRANSIENT : Outcomes.SECURITY;
        List<X509Certificate> chain = main.handshake != null ? main.handshake.peerCertificates()
                : main.refusal != null ? main.refusal.peerCertificates() : List.of();
        String hint = passes ? null : modeHint(main, port, securityMode);

        if (connection.json) {
            StartTlsPreamble p = main.preamble;
            out.println(Json.obj().put("ok", passes).put("command", "probe").put("exitCode", exit)
                    .put("server", Json.obj().put("host", host).put("port", port)
                            .put("protocol", protocol.name().toLowerCase(java.util.Locale.ROOT)).put("protocolFromPort", protocolFromPort)
                            .put("mode", securityMode.name()))
                    .put("policy", connection.policy.name()).put("provider", policy.provider().name())
                    .put("greeting", p == null ? null : p.greeting)
                    .put("capabilities", p == null ? List.of() : p.capabilities)
                    .put("startTls", p == null ? null : Json.obj().put("offered", p.startTlsOffered)
                            .put("reply", p.startTlsReply).put("dataAfterGoAhead", p.dataAfterGoAhead)
                            .put("preauth", p.preauth))
                    .put("handshake", Describe.handshake(main.handshake))
                    .put("refusal", main.refusal == null ? null : Json.obj().put("reason", main.refusal.reason().name())
                            .put("message", Hints.forCli(main.refusal.getMessage())))
                    .put("certificates", chain.stream().map(Describe::certificate).collect(Collectors.toList()))
                    .put("versions", versions).put("cipherSuites", suites)
                    .put("failures", failures).put("hint", hint));
        } else {
            out.println("Probe " + protocol.name().toLowerCase(java.util.Locale.ROOT) + (protocolFromPort ? " (from the port)" : "") + " " + host + ":"
                    + port + ", mode " + securityMode
                    + ", policy " + connection.policy.name() + ", provider " + policy.provider());
            StartTlsPreamble p = main.preamble;
            if (p != null) {
                out.println("  greeting       " + p.greeting);
                out.println("  capabilities   " + String.join(", ", p.capabilities));
                out.println("  STARTTLS       " + (securityMode == SecurityMode.IMPLICIT_TLS
                        ? "not used (implicit TLS)" + (p.preauth ? "; PREAUTH greeting inside TLS" : "")
                        : p.preauth ? "impossible: PREAUTH greeting"
                        : p.startTlsOffered ? "offered" + (p.startTlsReply == null ? "" : ", reply \""
                        + p.startTlsReply + "\"") : "NOT offered"));
            }
            out.println("  TLS            " + (main.handshake != null ? Describe.handshakeLine(main.handshake)
                    : main.refusal != null ? "REFUSED (" + main.refusal.reason() + ")" : "not reached"));
            for (int i = 0; i < chain.size(); i++) {
                out.println((i == 0 ? "  certificates   " : "                 ") + "#" + i + " "
                        + Describe.certificateLine(chain.get(i)));
            }
            for (int i = 0; i < versionLines.size(); i++) {
                out.println((i == 0 ? "  versions       " : "                 ") + versionLines.get(i));
            }
            for (int i = 0; i < suiteLines.size(); i++) {
                out.println((i == 0 ? "  cipher suites  " : "                 ") + suiteLines.get(i));
            }
            if (passes) {
                out.println("  verdict        PASS: the server meets the policy");
            } else {
                for (int i = 0; i < failures.size(); i++) {
                    out.println((i == 0 ? "  verdict        FAIL: " : "                 ") + failures.get(i));
                }
            }
            if (hint != null) {
                out.println("  hint           " + hint);
            }
        }
        out.flush();
        return exit;
    }

    private static String verdict(Attempt a) {
        return a.handshake != null ? "accepted" : a.refusal != null ? "refused (" + a.refusal.reason() + ")"
                : "not tried (" + (a.problem != null ? a.problem : a.ioError) + ")";
    }

    private static Json.Obj result(Attempt a) {
        return Json.obj().put("accepted", a.handshake != null)
                .put("refusal", a.refusal == null ? null : a.refusal.reason().name())
                .put("error", a.problem != null ? a.problem : a.ioError);
    }

    private List<String> failures(Attempt a) {
        List<String> f = new ArrayList<>();
        // PREAUTH inside implicit TLS (a client certificate login, say) is fine; before TLS it rules TLS out.
        if (a.preamble != null && a.preamble.preauth && a.handshake == null && a.refusal == null) {
            f.add("PREAUTH_WITHOUT_TLS: the server greets with PREAUTH, which leaves no way to start TLS");
        }
        if (a.problem != null) {
            f.add(a.problem);
        }
        if (a.refusal != null) {
            f.add(a.refusal.reason() + ": " + Hints.forCli(a.refusal.getMessage()));
        }
        if (a.ioError != null && a.handshake == null) {
            f.add("CONNECTION: " + a.ioError);
        }
        return f;
    }

    private Attempt restricted(TlsConnector connector, List<TlsVersion> versions, List<CipherSuite> suites, String host,
                               int port, SecurityMode mode, Timeouts timeouts) {
        try {
            return attempt(connector.restrictedTo(versions, suites), host, port, mode, timeouts);
        } catch (IllegalArgumentException e) {
            Attempt a = new Attempt();
            a.problem = "the provider does not support it";
            return a;
        }
    }

    private Attempt attempt(TlsConnector connector, String host, int port, SecurityMode mode, Timeouts timeouts) {
        Attempt a = new Attempt();
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), (int) timeouts.connect().toMillis());
            plain.setSoTimeout((int) timeouts.read().toMillis());
            if (mode != SecurityMode.IMPLICIT_TLS) {
                a.preamble = StartTlsPreamble.run(protocol, plain, true);
                if (a.preamble.preauth) {
                    return a;
                }
                if (!a.preamble.startTlsOffered) {
                    if (mode == SecurityMode.STARTTLS_REQUIRED) {
                        a.problem = "STARTTLS_NOT_OFFERED: the server does not offer "
                                + protocol.startTlsCommand();
                    }
                    return a;
                }
                if (!a.preamble.goAhead) {
                    a.problem = "STARTTLS_REFUSED: " + a.preamble.startTlsReply;
                    return a;
                }
                if (a.preamble.dataAfterGoAhead) {
                    a.problem = "DATA_AFTER_STARTTLS: the server sent data after its go-ahead, before TLS";
                    return a;
                }
            }
            SSLSocket tls = connector.layer(plain, host, port, mode);
            tls.startHandshake();
            a.handshake = ((PolicyEnforcedSocket) tls).handshake().orElse(null);
            if (mode == SecurityMode.IMPLICIT_TLS && a.preamble == null) {
                a.preamble = greetOverTls(tls);
            }
            StartTlsPreamble.quit(protocol, tls);
            tls.close();
        } catch (TlsRefusedException e) {
            a.refusal = e;
        } catch (IOException e) {
            a.ioError = e.getClass().getSimpleName() + ": " + e.getMessage();
            a.ioFailure = e;
        } finally {
            try {
                plain.close();
            } catch (IOException ignored) {
                // done
            }
        }
        return a;
    }

    /** Over implicit TLS: the greeting and capabilities, without STARTTLS. */
    private StartTlsPreamble greetOverTls(SSLSocket tls) {
        try {
            return StartTlsPreamble.run(protocol, tls, false);
        } catch (IOException e) {
            return null;
        }
    }

    /** Takes the protocol from a well-known port when --protocol is absent; a usage error when neither tells. */
    void resolveProtocol() {
        if (protocol != null) {
            return;
        }
        String ports = "25, 465, 587: smtp; 143, 993: imap; 110, 995: pop3";
        if (!connection.hasPort()) {
            throw new Outcomes.UsageException("probe needs --protocol smtp, imap or pop3, or a --server port that names"
                    + " the protocol (" + ports + ")");
        }
        int port = connection.port(0);
        protocol = MailProtocol.forWellKnownPort(port).orElse(null);
        if (protocol == null) {
            throw new Outcomes.UsageException("port " + port + " is not a well-known mail port (" + ports + "): say"
                    + " which protocol the server speaks with --protocol smtp, imap or pop3");
        }
        protocolFromPort = true;
    }

    /**
     * When a probe did not reach TLS, whether the mode looks wrong for the server: a STARTTLS probe that got no
     * greeting (the server waits for a TLS handshake), or an implicit-TLS probe answered in cleartext.
     */
    static String modeHint(Attempt a, int port, SecurityMode mode) {
        if (a.handshake != null) {
            return null;
        }
        if (mode != SecurityMode.IMPLICIT_TLS) {
            boolean unreachable = a.ioFailure instanceof java.net.ConnectException
                    || a.ioFailure instanceof java.net.UnknownHostException
                    || a.ioFailure instanceof java.net.NoRouteToHostException;
            if (a.preamble != null || a.ioFailure == null || unreachable) {
                return null;   // it greeted in cleartext, or nothing answers at all
            }
            if (StartTlsPreamble.isImplicitPort(port)) {
                return "port " + port + " usually expects implicit TLS and sent no cleartext greeting (" + a.ioError
                        + "): try --mode implicit";
            }
            return "the server sent no cleartext greeting (" + a.ioError + "): if it expects implicit TLS, try"
                    + " --mode implicit";
        }
        if (!answeredInCleartext(a)) {
            return null;
        }
        if (StartTlsPreamble.isStartTlsPort(port)) {
            return "port " + port + " usually speaks cleartext first and upgrades with STARTTLS: try --mode starttls";
        }
        return "the server did not answer with TLS: if it speaks cleartext first and offers STARTTLS, try --mode"
                + " starttls";
    }

    /** Whether an implicit-TLS attempt was answered with something that is not TLS (a cleartext greeting, say). */
    static boolean answeredInCleartext(Attempt a) {
        return a.refusal != null && a.refusal.reason() == org.securemail.core.TlsRefusalReason.HANDSHAKE_FAILED
                && a.refusal.peerCertificates().isEmpty()
                && String.valueOf(a.refusal.getMessage()).contains("did not answer with TLS");
    }

    private int defaultPort() {
        if (mode == Options.Mode.IMPLICIT) {
            return protocol.defaultPort(SecurityMode.IMPLICIT_TLS);
        }
        return protocol.defaultPort(mode == Options.Mode.OPPORTUNISTIC && protocol == MailProtocol.SMTP
                ? SecurityMode.STARTTLS_OPPORTUNISTIC : SecurityMode.STARTTLS_REQUIRED);
    }

    SecurityMode securityMode(int port) {
        if (mode == null) {
            return StartTlsPreamble.isImplicitPort(port) ? SecurityMode.IMPLICIT_TLS
                    : SecurityMode.STARTTLS_REQUIRED;
        }
        if (mode == Options.Mode.OPPORTUNISTIC && protocol != MailProtocol.SMTP) {
            throw new Outcomes.UsageException("--mode opportunistic exists for smtp only");
        }
        return mode.securityMode;
    }
}
