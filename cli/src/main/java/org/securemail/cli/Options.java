package org.securemail.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TrustSource;
import org.securemail.relay.RelaySender;
import org.securemail.transport.Credentials;
import org.securemail.transport.Timeouts;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Options shared by the commands: server, mode, trust, policy, provider, timeout, output, credentials. */
final class Options {
    private Options() {
    }

    enum Mode {
        IMPLICIT(SecurityMode.IMPLICIT_TLS), STARTTLS(SecurityMode.STARTTLS_REQUIRED),
        OPPORTUNISTIC(SecurityMode.STARTTLS_OPPORTUNISTIC);

        final SecurityMode securityMode;

        Mode(SecurityMode m) {
            this.securityMode = m;
        }
    }

    enum Policy { MODERN, RESTRICTED, COMPATIBLE }

    enum Provider { JDK, BC }

    /** The TLS options: trust, policy, provider, timeout, and the output format. */
    static class Tls {
        @Option(names = "--trust-pem", paramLabel = "FILE",
                description = "Trust only the CA certificates in this PEM file (default: the JDK's CA set).")
        Path trustPem;

        @Option(names = "--pin", paramLabel = "sha256/BASE64",
                description = "Trust only a chain carrying this public key (repeatable); for self-signed relays.")
        List<String> pins;

        @Option(names = "--policy", paramLabel = "NAME", defaultValue = "modern",
                description = "TLS policy preset: modern (default), restricted (TLS 1.3 only), compatible (legacy"
                        + " relays: adds DHE and ECDHE-CBC).")
        Policy policy;

        @Option(names = "--provider", paramLabel = "NAME", defaultValue = "jdk",
                description = "TLS provider: jdk (default) or bc (Bouncy Castle JSSE).")
        Provider provider;

        @Option(names = "--timeout", paramLabel = "DURATION",
                description = "Connect, read and write timeout, e.g. 10s, 500ms, 2m, PT30S (default: the library's:"
                        + " 30 s connect, 2 min read and write).")
        String timeout;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        TlsPolicy tlsPolicy() {
            TlsPolicy base = policy == Policy.RESTRICTED ? TlsPolicy.RESTRICTED
                    : policy == Policy.COMPATIBLE ? TlsPolicy.COMPATIBLE : TlsPolicy.MODERN;
            TlsPolicy.Builder b = base.toBuilder()
                    .provider(provider == Provider.BC ? TlsProvider.BOUNCY_CASTLE : TlsProvider.JDK);
            if (trustPem != null && pins != null) {
                throw new Outcomes.UsageException("--trust-pem and --pin cannot be combined: choose CA trust or pins");
            }
            if (trustPem != null) {
                b.trust(TrustSource.pemFile(trustPem));
            } else if (pins != null) {
                b.trust(TrustSource.pinnedKeys(pins.toArray(new String[0])));
            }
            return b.build();
        }

        Timeouts timeouts() {
            if (timeout == null) {
                return Timeouts.DEFAULT;
            }
            Duration d = parseDuration(timeout);
            try {
                return Timeouts.of(d, d, d);
            } catch (IllegalArgumentException e) {
                throw new Outcomes.UsageException("--timeout " + timeout + ": " + e.getMessage());
            }
        }
    }

    /** A server given as HOST[:PORT], and the TLS options. */
    abstract static class Server extends Tls {
        /** @return the --server value, or null when it was not given */
        abstract String server();

        String host() {
            return parseServer()[0];
        }

        /** Whether --server names a port. */
        boolean hasPort() {
            return parseServer()[1] != null;
        }

        int port(int defaultPort) {
            String p = parseServer()[1];
            if (p == null) {
                return defaultPort;
            }
            try {
                int port = Integer.parseInt(p);
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new Outcomes.UsageException("--server port must be a number from 1 to 65535: " + server());
            }
        }

        private String[] parseServer() {
            String[] hostPort = hostAndPort(server(), "--server");
            return hostPort;
        }
    }

    /** Splits HOST[:PORT] or [IPv6][:PORT]; the port is null when there is none. */
    static String[] hostAndPort(String value, String option) {
        String s = value.trim();
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) {
                throw new Outcomes.UsageException(option + " has an unclosed '[': " + value);
            }
            String host = s.substring(1, end);
            String rest = s.substring(end + 1);
            return new String[] {host, rest.startsWith(":") ? rest.substring(1) : null};
        }
        int colon = s.lastIndexOf(':');
        if (colon > 0 && s.indexOf(':') == colon) {
            return new String[] {s.substring(0, colon), s.substring(colon + 1)};
        }
        return new String[] {s, null};
    }

    /** Where to connect and under which policy: send and fetch, which always need a server. */
    static final class Connection extends Server {
        @Option(names = "--server", required = true, paramLabel = "HOST[:PORT]",
                description = "The server, e.g. smtp.example.com:587 or [2001:db8::25]:465. Without a port, the"
                        + " mode's usual port.")
        String server;

        @Override
        String server() {
            return server;
        }
    }

    /** What probe connects to: a server (--server), or a domain's MX hosts (--mx). */
    static final class ProbeTarget extends Server {
        @Option(names = "--server", paramLabel = "HOST[:PORT]",
                description = "The server, e.g. smtp.example.com:587 or [2001:db8::25]:465. Without a port, the"
                        + " mode's usual port.")
        String server;

        @Option(names = "--mx", paramLabel = "DOMAIN",
                description = "Probe the MX hosts of this recipient domain instead, as 'relay' would deliver to them"
                        + " (DANE, MTA-STS, opportunistic), without sending mail.")
        String mx;

        @Override
        String server() {
            if (server == null) {
                throw new Outcomes.UsageException("probe needs --server HOST[:PORT], or --mx DOMAIN for a domain's MX"
                        + " hosts");
            }
            return server;
        }
    }

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                switch (m.group(2)) {
                    case "ms":
                        return Duration.ofMillis(n);
                    case "s":
                        return Duration.ofSeconds(n);
                    case "m":
                        return Duration.ofMinutes(n);
                    default:
                        return Duration.ofHours(n);
                }
            }
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new Outcomes.UsageException("--timeout must look like 500ms, 10s, 2m or PT30S: " + text);
        }
    }

    /** The message send and relay build: sender, recipients, subject and a UTF-8 text body. */
    static final class Message {
        @Option(names = "--from", required = true, paramLabel = "ADDR", description = "Sender address.")
        String from;

        @Option(names = "--to", required = true, paramLabel = "ADDR", description = "Recipient (repeatable).")
        java.util.List<String> to;

        @Option(names = "--subject", paramLabel = "TEXT", defaultValue = "", description = "Subject.")
        String subject;

        @Option(names = "--body-file", paramLabel = "FILE", description = "Body text (UTF-8); default: standard input.")
        Path bodyFile;

        /** The message; the body from --body-file, else from {@code stdin}. */
        jakarta.mail.internet.MimeMessage build(java.io.InputStream stdin) throws jakarta.mail.MessagingException {
            jakarta.mail.internet.MimeMessage m = new jakarta.mail.internet.MimeMessage(
                    jakarta.mail.Session.getInstance(new java.util.Properties()));
            m.setFrom(new jakarta.mail.internet.InternetAddress(from, true));
            for (String address : to) {
                m.addRecipient(jakarta.mail.Message.RecipientType.TO,
                        new jakarta.mail.internet.InternetAddress(address, true));
            }
            if (!subject.isEmpty()) {
                m.setSubject(subject, "UTF-8");
            }
            m.setText(body(stdin), "UTF-8");
            return m;
        }

        private String body(java.io.InputStream stdin) {
            try {
                byte[] bytes = bodyFile != null ? java.nio.file.Files.readAllBytes(bodyFile) : stdin.readAllBytes();
                return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new Outcomes.UsageException("cannot read the body from " + (bodyFile != null ? bodyFile
                        : "standard input") + ": " + e.getMessage());
            }
        }
    }

    /** How relay and probe --mx find and reach a domain's MX hosts. */
    static final class Relay {
        @Option(names = "--helo", paramLabel = "NAME",
                description = "The name to give in EHLO (default: the address literal of this end of each"
                        + " connection); MX hosts often check that it resolves to the connecting address.")
        String helo;

        @Option(names = "--dns-server", paramLabel = "HOST[:PORT]",
                description = "A recursive resolver to ask (repeatable; default: the system's; port 53 unless given)."
                        + " Its answers are DNSSEC-validated here, whatever it says.")
        List<String> dnsServers;

        @Option(names = "--dnssec-anchors", paramLabel = "FILE",
                description = "DNSSEC trust anchors replacing the IANA root's: DS or DNSKEY records in zone-file"
                        + " form, for a private DNS tree.")
        Path dnssecAnchors;

        @Option(names = "--smtp-port", paramLabel = "PORT", defaultValue = "25",
                description = "The MX hosts' SMTP port: 25 (default) as RFC 5321 says; another for tests only.")
        int smtpPort;

        @Option(names = "--mta-sts-port", paramLabel = "PORT", defaultValue = "443",
                description = "The MTA-STS policy hosts' HTTPS port: 443 (default) as RFC 8461 says; another for"
                        + " tests only.")
        int mtaStsPort;

        /** The relay, with the TLS options' policy and timeouts; usage errors name the option at fault. */
        RelaySender build(Tls tls) {
            if (tls.pins != null) {
                throw new Outcomes.UsageException("--pin does not apply to MX hosts: they are authenticated by DANE,"
                        + " or under MTA-STS by CAs; use --trust-pem FILE to name the CAs");
            }
            RelaySender.Builder b = RelaySender.builder().policy(tls.tlsPolicy()).timeouts(tls.timeouts());
            b.smtpPort(port(smtpPort, "--smtp-port")).mtaStsPort(port(mtaStsPort, "--mta-sts-port"));
            if (helo != null) {
                try {
                    b.heloName(helo);
                } catch (IllegalArgumentException e) {
                    throw new Outcomes.UsageException("--helo " + e.getMessage());
                }
            }
            if (dnsServers != null) {
                List<InetSocketAddress> servers = new ArrayList<>();
                for (String server : dnsServers) {
                    servers.add(dnsServer(server));
                }
                b.dnsServers(servers.toArray(new InetSocketAddress[0]));
            }
            if (dnssecAnchors != null) {
                String anchors;
                try {
                    anchors = Files.readString(dnssecAnchors, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new Outcomes.UsageException("cannot read --dnssec-anchors " + dnssecAnchors + ": "
                            + e.getMessage());
                }
                try {
                    b.dnssecTrustAnchors(anchors);
                } catch (IllegalArgumentException e) {
                    throw new Outcomes.UsageException("--dnssec-anchors " + dnssecAnchors + ": " + e.getMessage());
                }
            }
            return b.build();
        }

        private static int port(int port, String option) {
            if (port < 1 || port > 65535) {
                throw new Outcomes.UsageException(option + " must be a number from 1 to 65535: " + port);
            }
            return port;
        }

        static InetSocketAddress dnsServer(String value) {
            String[] hostPort = hostAndPort(value, "--dns-server");
            int port = 53;
            if (hostPort[1] != null) {
                try {
                    port = Integer.parseInt(hostPort[1]);
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 1 || port > 65535) {
                    throw new Outcomes.UsageException("--dns-server port must be a number from 1 to 65535: " + value);
                }
            }
            try {
                return new InetSocketAddress(InetAddress.getByName(hostPort[0]), port);
            } catch (UnknownHostException e) {
                throw new Outcomes.UsageException("--dns-server " + value + ": unknown host " + hostPort[0]
                        + "; give the resolver's address");
            }
        }
    }

    /** Credentials: a user and exactly one secret source. Secrets never come from the command line. */
    static final class Login {
        @Option(names = "--user", paramLabel = "NAME", description = "User name for AUTH/LOGIN.")
        String user;

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        Secret secret;

        static final class Secret {
            @Option(names = "--password-env", paramLabel = "VAR",
                    description = "Read the password from this environment variable.")
            String passwordEnv;

            @Option(names = "--password-file", paramLabel = "FILE",
                    description = "Read the password from the first line of this file.")
            Path passwordFile;

            @Option(names = "--oauth2-token-file", paramLabel = "FILE",
                    description = "Use XOAUTH2 with the token in this file; it is read again for each new connection"
                            + " and once more if the server rejects the token, so a refresher can rewrite it.")
            Path tokenFile;
        }

        /** @return the credentials, or null when none were given */
        Credentials credentials(Function<String, String> environment) {
            if (user == null && secret == null) {
                return null;
            }
            if (user == null) {
                throw new Outcomes.UsageException("--user is required with --password-env, --password-file or"
                        + " --oauth2-token-file");
            }
            if (secret == null) {
                throw new Outcomes.UsageException("--user needs a secret: --password-env VAR, --password-file FILE"
                        + " or --oauth2-token-file FILE (passwords are never taken from the command line)");
            }
            if (secret.passwordEnv != null) {
                String value = environment.apply(secret.passwordEnv);
                if (value == null || value.isEmpty()) {
                    // The name is not repeated: a password typed in its place must not end up in a log.
                    throw new Outcomes.UsageException("the environment variable named by --password-env is not set"
                            + " or is empty");
                }
                return Credentials.password(user, value.toCharArray());
            }
            if (secret.passwordFile != null) {
                return Credentials.password(user, firstLine(secret.passwordFile, "--password-file").toCharArray());
            }
            Path tokenFile = secret.tokenFile;
            firstLine(tokenFile, "--oauth2-token-file");
            return Credentials.oauth2(user, () -> firstLine(tokenFile, "--oauth2-token-file"));
        }

        private static String firstLine(Path file, String option) {
            try {
                String line = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").trim();
                if (line.isEmpty()) {
                    throw new Outcomes.UsageException("the file named by " + option + " is empty");
                }
                return line;
            } catch (IOException e) {
                // Neither the path nor the exception's message (which holds the path) is repeated: a secret typed
                // in place of the file name must not end up in a log.
                throw new Outcomes.UsageException("cannot read the file named by " + option + ": " + why(e));
            }
        }

        private static String why(IOException e) {
            if (e instanceof java.nio.file.NoSuchFileException) {
                return "no such file";
            }
            if (e instanceof java.nio.file.AccessDeniedException) {
                return "permission denied";
            }
            if (e instanceof java.nio.file.FileSystemException
                    && ((java.nio.file.FileSystemException) e).getReason() != null) {
                return ((java.nio.file.FileSystemException) e).getReason();   // the reason alone, without the path
            }
            if (e instanceof java.nio.charset.CharacterCodingException) {
                return "it is not UTF-8 text";
            }
            return e.getClass().getSimpleName();
        }
    }
}
