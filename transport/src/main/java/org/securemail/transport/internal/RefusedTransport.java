package org.securemail.transport.internal;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.URLName;

/**
 * The transport a SecureMail session gives for a protocol it was not built for (see {@link OtherProtocols}), for
 * example {@code Transport.send(msg)} on a session built for IMAP: it refuses to connect, before opening any socket,
 * with a {@link org.securemail.transport.MailSecurityException} that says which session to build instead.
 */
public final class RefusedTransport extends Transport {

    /**
     * Creates the transport; called by Jakarta Mail's {@link Session}.
     *
     * @param session the session
     * @param url the URL name
     */
    public RefusedTransport(Session session, URLName url) {
        super(session, url);
    }

    @Override
    protected boolean protocolConnect(String host, int port, String user, String password) throws MessagingException {
        throw OtherProtocols.refusal(session, url == null ? null : url.getProtocol(), host, port);
    }

    @Override
    public void sendMessage(Message msg, Address[] addresses) throws MessagingException {
        throw OtherProtocols.refusal(session, url == null ? null : url.getProtocol(), null, -1);
    }
}
