package org.securemail.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.securemail.core.Handshake;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.Credentials;
import org.securemail.transport.ImapFetcher;
import org.securemail.transport.ImapMailbox;
import org.securemail.transport.MailProtocol;
import org.securemail.transport.MailEndpoint;
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

/**
 * {@code securemail fetch}: lists the newest messages of a mailbox over IMAP or POP3 under the policy, or prints or
 * saves one message ({@code --uid}), streamed and checked for completeness.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List the newest messages of a mailbox over IMAP or POP3 under the policy, or print or save one"
                + " of them with --uid (read-only: nothing is marked, moved or deleted).")
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

    @Option(names = "--uid", paramLabel = "ID", description = "Print one message whole (RFC 5322 text) instead of"
            + " the listing: its IMAP UID or POP3 UIDL, as the listing shows them. Streamed in pieces, never held in"
            + " memory whole; nothing is marked read.")
    String uid;

    @Option(names = "--output", paramLabel = "FILE", description = "With --uid: save the message to this file"
            + " (readable by you only) instead of printing it; the file appears only once the whole message arrived.")
    Path output;

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
            if (output != null && uid == null) {
                throw new Outcomes.UsageException("--output saves the message named by --uid: give --uid ID too");
            }
            if (uid != null && connection.json && output == null) {
                throw new Outcomes.UsageException("--json with --uid needs --output FILE: the message itself is not"
                        + " JSON; the JSON then describes what was saved");
            }
            long imapUid = protocol == Protocol.IMAP && uid != null ? imapUid(uid) : -1;
            Credentials credentials = login.credentials(main.environment);
            if (credentials == null) {
                throw new Outcomes.UsageException("fetch needs --user and --password-env, --password-file or"
                        + " --oauth2-token-file: mailboxes always need credentials");
            }
            boolean implicit = mode == FetchMode.IMPLICIT;
            int port = connection.port(MailProtocol.valueOf(protocol.name())
                    .defaultPort(implicit ? SecurityMode.IMPLICIT_TLS : SecurityMode.STARTTLS_REQUIRED));
            if (protocol == Protocol.IMAP) {
                return uid == null ? imap(credentials, port, out) : imapMessage(credentials, port, imapUid, out);
            }
            return uid == null ? pop3(credentials, port, out) : pop3Message(credentials, port, out);
        } catch (Exception e) {
            return Outcomes.fail(e, connection.json, "fetch", out, err);
        }
    }

    private int imap(Credentials credentials, int port, PrintWriter out) throws Exception {
        try (ImapFetcher fetcher = SecureMail.imap(connection.host()).port(port).mode(mode.securityMode)
                .credentials(credentials).policy(connection.tlsPolicy()).timeouts(connection.timeouts()).build();
             ImapMailbox box = fetcher.openFolder(folder)) {
            List<MessageSummary> newest = box.newest(limit);
            Handshake h = box.endpoint().handshake().or(() -> fetcher.endpoint().handshake()).orElse(null);
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
                MailEndpoint at = fetcher.endpoint();
                out.println("IMAP " + at.host() + ":" + at.port() + " " + box.name() + ": "
                        + box.messageCount() + " message(s), newest " + newest.size() + " (" + at.mode() + ")");
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
            Handshake h = fetcher.endpoint().handshake().orElse(null);
            if (connection.json) {
                List<Object> messages = new ArrayList<>();
                for (Pop3MessageInfo m : newestFirst) {
                    messages.add(Json.obj().put("number", m.number()).put("uidl", m.uidl()).put("size", m.size()));
                }
                out.println(Json.obj().put("ok", true).put("command", "fetch").put("exitCode", Outcomes.OK)
                        .put("protocol", "pop3").put("messageCount", all.size()).put("messages", messages)
                        .put("handshake", Describe.handshake(h)));
            } else {
                out.println("POP3 " + fetcher.endpoint().host() + ":" + fetcher.endpoint().port() + ": " + all.size()
                        + " message(s), newest " + newestFirst.size() + " (" + fetcher.endpoint().mode() + ")");
                out.println("  TLS  " + (h == null ? "none" : Describe.handshakeLine(h)));
                for (Pop3MessageInfo m : newestFirst) {
                    out.println(String.format("  %4d  %-40s  (%d bytes)", m.number(), m.uidl(), m.size()));
                }
            }
        }
        out.flush();
        return Outcomes.OK;
    }

    private static long imapUid(String text) {
        try {
            long n = Long.parseLong(text.trim());
            if (n >= 1 && n <= 0xFFFF_FFFFL) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Outcomes.UsageException("--uid for imap is the message's UID, a number from 1 to 4294967295 (the"
                + " first column of the listing): " + text);
    }

    /**
     * Prints or saves one IMAP message: streamed in 16 KiB pieces (partial FETCH), and compared with the size the
     * server announced (RFC822.SIZE): a server that ends the message early does not produce a short copy that looks
     * complete.
     */
    private int imapMessage(Credentials credentials, int port, long n, PrintWriter out) throws Exception {
        try (ImapFetcher fetcher = SecureMail.imap(connection.host()).port(port).mode(mode.securityMode)
                .credentials(credentials).policy(connection.tlsPolicy()).timeouts(connection.timeouts()).build();
             ImapMailbox box = fetcher.openFolder(folder)) {
            long announced = box.message(n).getSize();
            String what = "message " + n + " of " + box.name();
            long written = save(() -> box.stream(n), announced, what);
            Handshake h = box.endpoint().handshake().or(() -> fetcher.endpoint().handshake()).orElse(null);
            report(out, "imap", Long.toString(n), box.name(), written, h);
        }
        return Outcomes.OK;
    }

    /** Prints or saves one POP3 message (RETR), streamed as it arrives; a connection lost before its end fails. */
    private int pop3Message(Credentials credentials, int port, PrintWriter out) throws Exception {
        try (Pop3Fetcher fetcher = SecureMail.pop3(connection.host()).port(port).mode(mode.securityMode)
                .credentials(credentials).policy(connection.tlsPolicy()).timeouts(connection.timeouts()).build()) {
            String what = "message " + uid;
            long written = save(sink -> {
                fetcher.retrieve(uid, sink);
                return sink.count();
            }, what);
            report(out, "pop3", uid, null, written, fetcher.endpoint().handshake().orElse(null));
        }
        return Outcomes.OK;
    }

    /** Where the message goes: standard output, or a temporary file next to --output that becomes it at the end. */
    private long save(MessageSource source, long announced, String what) throws Exception {
        return save(sink -> {
            try (InputStream in = source.open()) {
                long n = MessageCopy.copy(in, sink, announced, what, connection.host());
                sink.flush();
                return n;
            }
        }, what);
    }

    private long save(MessageWriter writer, String what) throws Exception {
        if (output == null) {
            MessageCopy.CountingSink sink = new MessageCopy.CountingSink(main.stdout);
            try {
                writer.write(sink);
                sink.flush();
            } catch (java.io.IOException e) {
                throw MessageCopy.outputFailure(e, what, "standard output");
            }
            return sink.count();
        }
        return MessageCopy.toFile(output, writer, what);
    }

    private void report(PrintWriter out, String protocolName, String id, String folderName, long bytes, Handshake h) {
        if (output == null) {
            return;   // standard output holds the message alone
        }
        if (connection.json) {
            out.println(Json.obj().put("ok", true).put("command", "fetch").put("exitCode", Outcomes.OK)
                    .put("protocol", protocolName).put("folder", folderName).put("uid", id)
                    .put("output", output.toString()).put("bytes", bytes).put("handshake", Describe.handshake(h)));
        } else {
            out.println("Saved " + protocolName.toUpperCase(java.util.Locale.ROOT) + " message " + id
                    + (folderName == null ? "" : " of " + folderName) + " to " + output + " (" + bytes + " bytes)");
            out.println("  TLS  " + (h == null ? "none" : Describe.handshakeLine(h)));
        }
        out.flush();
    }

    /** Opens the message's stream. */
    interface MessageSource {
        InputStream open() throws Exception;
    }

    /** Writes the message to a sink and returns how many bytes it wrote. */
    interface MessageWriter {
        long write(MessageCopy.CountingSink sink) throws Exception;
    }
}
