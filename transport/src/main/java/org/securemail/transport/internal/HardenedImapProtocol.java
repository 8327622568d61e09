package org.securemail.transport.internal;

import java.io.IOException;
import java.util.Locale;
import java.util.Properties;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.util.MailLogger;
import org.securemail.policy.SecurityMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP connection, as Angus Mail's {@link IMAPProtocol} with three additions: a PREAUTH greeting on a connection
 * that must become TLS is refused before anything is sent (RFC 9051 section 7.1.4: PREAUTH leaves no way to start TLS);
 * whether an untagged CAPABILITY answer arrived is recorded, so that a CAPABILITY after STARTTLS that lists nothing is
 * noticed rather than leaving the pre-TLS list in place; and the dialogue is logged at DEBUG with credentials and
 * message content left out.
 */
public class HardenedImapProtocol extends IMAPProtocol {
    private static final Logger DIALOGUE = LoggerFactory.getLogger("org.securemail.transport.imap.dialogue");

    // No field initializers: the superclass constructor calls overridden methods before they would run.
    private volatile ConnectionContext ctx;
    private volatile boolean capabilityAnswered;
    private volatile boolean authInProgress;
    private volatile java.util.function.Consumer<ProtocolException> authFailures;

    /**
     * Connects and reads the greeting (and the capabilities, when the greeting does not carry them).
     *
     * @param name the protocol name, always {@code "imap"} in SecureMail sessions
     * @param host the host
     * @param port the port
     * @param props the session's properties
     * @param isSSL whether to start with TLS
     * @param logger Angus's logger
     * @throws IOException if the connection fails
     * @throws ProtocolException if the greeting is refused
     */
    public HardenedImapProtocol(String name, String host, int port, Properties props, boolean isSSL,
                                MailLogger logger) throws IOException, ProtocolException {
        super(name, host, port, props, isSSL, logger);
    }

    /** Raised from the greeting: a PREAUTH on a connection that must become TLS. */
    static final class PreauthRefused extends ProtocolException {
        private static final long serialVersionUID = 1L;

        PreauthRefused(String greeting) {
            super(greeting);
        }
    }

    void context(ConnectionContext c) {
        this.ctx = c;
    }

    /** @return the connection SecureMail opened for this protocol */
    public ConnectionContext context() {
        return ctx;
    }

    /** Reports a rejected authentication to the store, which Angus would report only as "connection failure". */
    void onAuthenticationFailure(java.util.function.Consumer<ProtocolException> sink) {
        this.authFailures = sink;
    }

    private void authFailed(ProtocolException e) {
        java.util.function.Consumer<ProtocolException> sink = authFailures;
        if (sink != null && e instanceof org.eclipse.angus.mail.iap.CommandFailedException) {
            sink.accept(e);
        }
    }

    private boolean oauth2() {
        Object w = props == null ? null : props.get(MailWiring.PROPERTY);
        return w instanceof MailWiring && ((MailWiring) w).isOAuth2();
    }

    @Override
    public void login(String u, String p) throws ProtocolException {
        if (oauth2()) {
            // Angus falls back to LOGIN when no allowed mechanism matches (docs/angus-behaviours.md AB-5): never send
            // a token that way.
            throw new ProtocolException("SecureMail refused to send an OAuth 2.0 token as a LOGIN password");
        }
        try {
            super.login(u, p);
        } catch (ProtocolException e) {
            authFailed(e);
            throw e;
        }
    }

    @Override
    public synchronized void authplain(String authzid, String u, String p) throws ProtocolException {
        try {
            super.authplain(authzid, u, p);
        } catch (ProtocolException e) {
            authFailed(e);
            throw e;
        }
    }

    @Override
    public synchronized void authlogin(String u, String p) throws ProtocolException {
        try {
            super.authlogin(u, p);
        } catch (ProtocolException e) {
            authFailed(e);
            throw e;
        }
    }

    @Override
    public synchronized void authoauth2(String u, String p) throws ProtocolException {
        try {
            super.authoauth2(u, p);
        } catch (ProtocolException e) {
            authFailed(e);
            throw e;
        }
    }

    /** Forgets whether a CAPABILITY answer arrived (before asking again after STARTTLS). */
    void resetCapabilityAnswered() {
        capabilityAnswered = false;
    }

    /** @return whether an untagged CAPABILITY answer arrived since {@link #resetCapabilityAnswered()} */
    boolean capabilityAnswered() {
        return capabilityAnswered;
    }

    @Override
    protected void processGreeting(Response r) throws ProtocolException {
        Object w = props == null ? null : props.get(MailWiring.PROPERTY);
        SecurityMode mode = w instanceof MailWiring ? ((MailWiring) w).mode() : SecurityMode.STARTTLS_REQUIRED;
        if (r instanceof IMAPResponse && ((IMAPResponse) r).keyEquals("PREAUTH") && mode.requiresTls() && !isSSL()) {
            throw new PreauthRefused(Failures.oneLine(r.toString()));
        }
        super.processGreeting(r);
    }

    @Override
    public void handleCapabilityResponse(Response[] r) {
        for (Response x : r) {
            if (x instanceof IMAPResponse && ((IMAPResponse) x).keyEquals("CAPABILITY")) {
                capabilityAnswered = true;
            }
        }
        super.handleCapabilityResponse(r);
    }

    @Override
    public String writeCommand(String command, Argument args) throws IOException, ProtocolException {
        String verb = command.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        if (verb.equals("AUTHENTICATE") || verb.equals("LOGIN")) {
            authInProgress = true;
        }
        String tag = super.writeCommand(command, args);
        if (DIALOGUE.isDebugEnabled()) {
            String shown = verb.equals("AUTHENTICATE") || verb.equals("LOGIN") ? verb + " [credentials redacted]"
                    : command + (args == null ? "" : " [arguments not logged]");
            DIALOGUE.debug("{} C: {} {}", host, tag, shown);
        }
        return tag;
    }

    @Override
    public Response readResponse() throws IOException, ProtocolException {
        Response r = super.readResponse();
        if (DIALOGUE.isDebugEnabled()) {
            DIALOGUE.debug("{} S: {}", host, shown(r));
        }
        if (r.isTagged()) {
            authInProgress = false;
        }
        return r;
    }

    private String shown(Response r) {
        if (r.isContinuation() && authInProgress) {
            return "+ [challenge redacted]";
        }
        String s = r.toString();
        if (r instanceof IMAPResponse && ((IMAPResponse) r).keyEquals("FETCH")) {
            int space = s.indexOf(' ', 2);
            return (space > 0 ? s.substring(0, space) : s) + " FETCH [" + s.length() + " bytes not logged]";
        }
        s = Failures.oneLine(s);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
