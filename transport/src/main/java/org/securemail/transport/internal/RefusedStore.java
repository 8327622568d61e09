package org.securemail.transport.internal;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.URLName;

/**
 * The store a SecureMail session gives for a protocol it was not built for (see {@link OtherProtocols}): it refuses
 * to connect, before opening any socket, with a {@link org.securemail.transport.MailSecurityException} that says
 * which session to build instead.
 */
public final class RefusedStore extends Store {

    /**
     * Creates the store; called by Jakarta Mail's {@link Session}.
     *
     * @param session the session
     * @param url the URL name
     */
    public RefusedStore(Session session, URLName url) {
        super(session, url);
    }

    @Override
    protected boolean protocolConnect(String host, int port, String user, String password) throws MessagingException {
        throw OtherProtocols.refusal(session, url == null ? null : url.getProtocol(), host, port);
    }

    @Override
    public Folder getDefaultFolder() throws MessagingException {
        throw OtherProtocols.refusal(session, url == null ? null : url.getProtocol(), null, -1);
    }

    @Override
    public Folder getFolder(String name) throws MessagingException {
        throw OtherProtocols.refusal(session, url == null ? null : url.getProtocol(), null, -1);
    }

    @Override
    public Folder getFolder(URLName name) throws MessagingException {
        throw OtherProtocols.refusal(session, url == null ? null : url.getProtocol(), null, -1);
    }
}
