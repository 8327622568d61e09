package org.securemail.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.securemail.core.Handshake;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.Credentials;
import org.securemail.transport.ImapFetcher;
import org.securemail.transport.ImapMailbox;
import org.securemail.transport.MessageSummary;
import org.securemail.transport.Pop3Fetcher;
import org.securemail.transport.Pop3MessageInfo;
import org.securemail.transport.SecureMail;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code securemail fetch}: lists the newest messages of a mailbox over IMAP or POP3 under the policy. */
@Command(name = "fetch", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List the newest messages of a mailbox over IMAP or POP3 under the policy (read-only: nothing"
                + " is marked, moved or deleted).")
final class FetchCommand implements Callable<Integer> {
    enum Protocol { IMAP, POP3 }

    enum FetchMode {
        IMPLICIT(SecurityMode.IMPLICIT_TLS), STARTTLS(SecurityMode.STARTTLS_REQUIRED);

        final SecurityMode securityMode;

        FetchMode(SecurityMode m) {
            this.securityMode = m;
        }
    }

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    Options.Connection connection;

    @Option(names = "--protocol", required = true, paramLabel = "PROTOCOL", description = "imap or pop3.")
    Protocol protocol;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "implicit",
            description = "implicit (993/995, default) or starttls (143/110, STARTTLS required).")
    FetchMode mode;

    @Option(names = "--folder", paramLabel = "NAME", defaultValue = "INBOX", description = "IMAP folder (default"
            + " INBOX).")
    String folder;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "How many of the newest"
            + " messages to list (default 20).")
    int limit;

    @Mixin
    Options.Login login;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (limit < 1) {
                throw new Outcomes.UsageException("--limit must be at least 1: " + limit);
            }
            Credentials credentials = login.credentials(main.environment);
            if (credentials == null) {
                throw new Outcomes.UsageException("fetch needs --user and --password-env, --password-file or"
                        + " --oauth2-token-file: mailboxes always need credentials");
            }
            boolean implicit = mode == FetchMode.IMPLICIT;
            int port = connection.port(protocol == Protocol.IMAP ? (implicit ? 993 : 143) : (implicit ? 995 : 110));
            if (protocol == Protocol.IMAP) {
                return imap(credentials, port, out);
            }
            return pop3(credentials, port, out);
        } catch (Exception e) {
            return Outcomes.fail(e, connection.json, "fetch", out, err);
        }
    }

    private int imap(Credentials credentials, int port, PrintWriter out) throws Exception {
        try (ImapFetcher fetcher = SecureMail.imap(connection.host()).port(port).mode(mode.securityMode)
                .credentials(credentials).policy(connection.tlsPolicy()).timeouts(connection.timeouts()).build();
             ImapMailbox box = fetcher.openFolder(folder)) {
            List<MessageSummary> newest = box.newest(limit);
            Handshake h = box.handshake().or(fetcher::handshake).orElse(null);
            if (connection.json) {
                List<Object> messages = new ArrayList<>();
                for (MessageSummary m : newest) {
                    messages.add(Json.obj().put("uid", m.uid()).put("messageId", m.messageId().orElse(null))
                            .put("from", m.from().stream().map(Object::toString).collect(Collectors.toList()))
                            .put("subject", m.subject())
                            .put("date", m.sentDate().map(Object::toString).orElse(null))
                            .put("size", m.size()).put("seen", m.isSeen())
                            .put("flags", m.flags().stream().map(Enum::name).collect(Collectors.toList())));
                }
                out.println(Json.obj().put("ok", true).put("command", "fetch").put("exitCode", Outcomes.OK)
                        .put("protocol", "imap").put("folder", box.name()).put("messageCount", box.messageCount())
                        .put("messages", messages).put("handshake", Describe.handshake(h)));
            } else {
                out.println("IMAP " + fetcher.host() + ":" + fetcher.port() + " " + box.name() + ": "
                        + box.messageCount() + " message(s), newest " + newest.size() + " (" + fetcher.mode() + ")");
                out.println("  TLS  " + (h == null ? "none" : Describe.handshakeLine(h)));
                for (MessageSummary m : newest) {
                    out.println(String.format("  %6d  %-25s  %-30s  %s%s  (%d bytes)", m.uid(),
                            m.sentDate().map(Object::toString).orElse("-"),
                            m.from().isEmpty() ? "-" : m.from().get(0).toString(), m.subject(),
                            m.isSeen() ? "" : "  [unseen]", m.size()));
                }
            }
        }
        out.flush();
        return Outcomes.OK;
    }

    private int pop3(Credentials credentials, int port, PrintWriter out) throws Exception {
        try (Pop3Fetcher fetcher = SecureMail.pop3(connection.host()).port(port).mode(mode.securityMode)
                .credentials(credentials).policy(connection.tlsPolicy()).timeouts(connection.timeouts()).build()) {
            List<Pop3MessageInfo> all = fetcher.list();
            List<Pop3MessageInfo> newest = all.subList(Math.max(0, all.size() - limit), all.size());
            List<Pop3MessageInfo> newestFirst = new ArrayList<>(newest);
            java.util.Collections.reverse(newestFirst);
            Handshake h = fetcher.handshake().orElse(null);
            if (connection.json) {
                List<Object> messages = new ArrayList<>();
                for (Pop3MessageInfo m : newestFirst) {
                    messages.add(Json.obj().put("number", m.number()).put("uidl", m.uidl()).put("size", m.size()));
                }
                out.println(Json.obj().put("ok", true).put("command", "fetch").put("exitCode", Outcomes.OK)
                        .put("protocol", "pop3").put("messageCount", all.size()).put("messages", messages)
                        .put("handshake", Describe.handshake(h)));
            } else {
                out.println("POP3 " + fetcher.host() + ":" + fetcher.port() + ": " + all.size()
                        + " message(s), newest " + newestFirst.size() + " (" + fetcher.mode() + ")");
                out.println("  TLS  " + (h == null ? "none" : Describe.handshakeLine(h)));
                for (Pop3MessageInfo m : newestFirst) {
                    out.println(String.format("  %4d  %-40s  (%d bytes)", m.number(), m.uidl(), m.size()));
                }
            }
        }
        out.flush();
        return Outcomes.OK;
    }
}
