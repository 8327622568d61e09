package org.securemail.transport.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.securemail.core.Handshake;
import org.securemail.core.PolicyEnforcedSocket;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.MailEndpoint;
import org.securemail.transport.MailProtocol;
import org.securemail.transport.MailSecurityException;

/**
 * What SecureMail knows of one mail connection: where it goes, its guarded plain socket, its TLS socket and handshake,
 * and the step it is in with that step's deadline. Bound to the connecting thread by {@link MailWiring#open}, so that
 * the socket factories Jakarta Mail calls can find the connection they serve.
 */
public final class ConnectionContext {
    /** One second of allowance per this many octets of message content. */
    static final long CONTENT_OCTETS_PER_SECOND = 32 * 1024;
    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final MailProtocol protocol;
    private final String host;
    private final int port;
    private final SecurityMode mode;
    private final MailWiring wiring;
    private volatile GuardedSocket guard;
    private volatile SSLSocket tls;
    private volatile long deadlineNanos = NO_DEADLINE;
    private volatile String step = "connecting";
    private volatile Duration stepBudget = Duration.ZERO;
    private volatile boolean sendingContent;
    private volatile byte[] firstBytes = new byte[0];

    /**
     * Describes a connection SecureMail did not open (or not yet): for messages only.
     *
     * @param protocol the protocol
     * @param host the host
     * @param port the port
     * @param mode the mode
     */
    ConnectionContext(MailProtocol protocol, String host, int port, SecurityMode mode) {
        this.protocol = protocol;
        this.host = host;
        this.port = port;
        this.mode = mode;
        this.wiring = null;
    }

    ConnectionContext(String host, int port, SecurityMode mode, MailWiring wiring) {
        this.protocol = wiring.rules().protocol();
        this.host = host;
        this.port = port;
        this.mode = mode;
        this.wiring = wiring;
    }

    /** @return the host */
    public String host() {
        return host;
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /** @return the mode */
    public SecurityMode mode() {
        return mode;
    }

    /** @return where this connection goes, with its handshake once TLS is up and verified */
    public MailEndpoint endpoint() {
        return MailEndpoint.of(protocol, host == null ? "(unknown host)" : host, Math.max(0, port), mode)
                .withHandshake(handshake().orElse(null));
    }

    /** @return the protocol */
    public MailProtocol protocol() {
        return protocol;
    }

    MailWiring wiring() {
        return wiring;
    }

    CleartextRules rules() {
        return wiring.rules();
    }

    void guard(GuardedSocket g) {
        this.guard = g;
    }

    GuardedSocket guard() {
        return guard;
    }

    void tls(SSLSocket socket) {
        this.tls = socket;
    }

    SSLSocket tlsSocket() {
        return tls;
    }

    /** @return whether TLS is up and its handshake passed every check */
    public boolean isTlsVerified() {
        return handshake().isPresent();
    }

    /** @return the handshake, once TLS is up and verified */
    public Optional<Handshake> handshake() {
        SSLSocket s = tls;
        return s instanceof PolicyEnforcedSocket ? ((PolicyEnforcedSocket) s).handshake() : Optional.empty();
    }

    /** @return whether the server announced STARTTLS in cleartext */
    public boolean startTlsAnnounced() {
        GuardedSocket g = guard;
        return g != null && g.startTlsAnnounced();
    }

    /** @return what the server said in cleartext (its greeting and capabilities) */
    public List<String> cleartextReplies() {
        GuardedSocket g = guard;
        return g == null ? List.of() : g.cleartextReplies();
    }

    /** @return the local address literal of the connection, e.g. {@code [127.0.0.1]}, for EHLO */
    public Optional<String> localAddressLiteral() {
        Socket s = guard;
        if (s == null) {
            s = tls;
        }
        if (s == null || s.getLocalAddress() == null) {
            return Optional.empty();
        }
        InetAddress a = s.getLocalAddress();
        return Optional.of(a instanceof java.net.Inet6Address ? "[IPv6:" + a.getHostAddress().replaceAll("%.*$", "")
                + "]" : "[" + a.getHostAddress() + "]");
    }

    /** @return the socket whose stream carries message content now: the TLS socket, or the plain one without TLS */
    public Socket currentSocket() {
        SSLSocket t = tls;
        return t != null ? t : guard;
    }

    // ---- steps and their deadlines ----

    /**
     * Starts a step (connecting, or a command and its reply) with the operation limit as its deadline.
     *
     * @param name what the step is, for messages ("connecting", "EHLO", ...)
     */
    void startStep(String name) {
        Duration budget = wiring == null ? Duration.ZERO : wiring.timeouts().operation();
        stepBudget = budget;
        step = name;
        deadlineNanos = budget.isZero() ? NO_DEADLINE : System.nanoTime() + budget.toNanos();
    }

    /**
     * Starts a step whose length the caller bounds itself (IMAP IDLE): only the read timeout applies.
     *
     * @param name what the step is
     */
    void startUnboundedStep(String name) {
        step = name;
        stepBudget = Duration.ZERO;
        deadlineNanos = NO_DEADLINE;
    }

    /**
     * Starts sending message content: until {@link #endContent()}, what is written is content, not commands, and the
     * step may take the operation limit plus one second per 32 KiB.
     *
     * @param octets the size of the content
     */
    public void beginContent(long octets) {
        Duration budget = wiring.timeouts().operation().plusSeconds(octets / CONTENT_OCTETS_PER_SECOND);
        stepBudget = budget;
        step = "sending the message (" + octets + " octets)";
        deadlineNanos = System.nanoTime() + budget.toNanos();
        sendingContent = true;
    }

    /** Ends message content; what follows is a command again. */
    public void endContent() {
        sendingContent = false;
    }

    boolean sendingContent() {
        return sendingContent;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    /** @return what the current step is, and its limit, for messages */
    String stepDescription() {
        return step + " (limit " + describe(stepBudget) + ")";
    }

    static String describe(Duration d) {
        if (d.toMillis() % 60_000 == 0 && d.toMillis() > 0) {
            return d.toMinutes() + " min";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + " s";
        }
        return d.toMillis() + " ms";
    }

    // ---- what the server sent first ----

    void firstBytes(byte[] b) {
        firstBytes = b;
    }

    /**
     * Tells whether the first bytes the server sent look like a plaintext mail greeting ({@code 220}, {@code * OK},
     * {@code +OK}): a sign that an implicit-TLS connection reached a port that speaks cleartext first.
     *
     * @return whether the server greeted in cleartext
     */
    public boolean greetedInCleartext() {
        String s = new String(firstBytes, java.nio.charset.StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
        return s.startsWith("220") || s.startsWith("* OK") || s.startsWith("+OK") || s.startsWith("* PREAUTH")
                || s.startsWith("421") || s.startsWith("554");
    }

    // ---- credentials ----

    /**
     * Checks a command about to go out inside TLS: a credential goes only inside TLS whose server was authenticated.
     *
     * @param line the command line
     * @throws IOException to refuse it
     */
    void checkTlsCommand(String line) throws IOException {
        CleartextRules rules = rules();
        String verb = rules.verb(line);
        if (rules.carriesCredentials(verb)) {
            Optional<Handshake> h = handshake();
            if (h.isEmpty() || !h.get().isAuthenticated()) {
                GuardedSocket g = guard;
                if (g != null) {
                    g.breakConnection();
                }
                throw new GuardException(MailSecurityException.Reason.CREDENTIALS_WITHHELD,
                        "refused to send " + verb + " inside TLS whose server was not authenticated (its certificate"
                                + " was not verified)", "credentials travel only inside authenticated TLS; the command"
                        + " never left this machine");
            }
        }
        if (verb.equals("IDLE")) {
            startUnboundedStep(verb);
        } else {
            startStep(verb);
        }
    }
}
