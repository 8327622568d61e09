package org.securemail.transport;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.imap.ImapHandler;
import com.icegreen.greenmail.pop3.Pop3Handler;
import com.icegreen.greenmail.pop3.commands.Pop3CommandRegistry;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.server.ProtocolHandler;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLContext;

/**
 * GreenMail's IMAP and POP3 servers with implicit TLS on 127.0.0.1, port 0, presenting a certificate from the test PKI.
 *
 * <p>GreenMail itself loads its TLS key from a keystore bundled in its jar, or one named by a JVM-wide system
 * property; neither fits (its certificate is not from our PKI, and tests set no system properties). Its servers open
 * their listening socket in a protected method, so these subclasses open it from our own {@link SSLContext} instead.
 * GreenMail's {@code ImapServer} is final; {@link Imaps} does what it does (an {@link ImapHandler} per client).
 */
final class TlsGreenMail implements AutoCloseable {
    private final Managers managers = new Managers();
    private final Tls imaps;
    private final Tls pop3s;

    private TlsGreenMail(SSLContext tls) throws InterruptedException {
        imaps = new Tls(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAPS), managers, tls, true);
        pop3s = new Tls(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3S), managers, tls, false);
        for (Tls s : new Tls[] {imaps, pop3s}) {
            s.startService();
            if (!s.waitTillRunning(10_000) || !s.isRunning()) {
                throw new IllegalStateException("GreenMail " + s.getProtocol() + " did not start");
            }
        }
    }

    static TlsGreenMail start(SSLContext tls) {
        try {
            return new TlsGreenMail(tls);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    int imapsPort() {
        return imaps.getPort();
    }

    int pop3sPort() {
        return pop3s.getPort();
    }

    GreenMailUser user(String email, String login, String password) {
        try {
            return managers.getUserManager().createUser(email, login, password);
        } catch (com.icegreen.greenmail.user.UserException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deliver(GreenMailUser user, MimeMessage message) throws MessagingException {
        message.saveChanges();
        user.deliver(message);
    }

    Managers managers() {
        return managers;
    }

    @Override
    public void close() {
        imaps.stopService();
        pop3s.stopService();
    }

    /** An implicit-TLS GreenMail server (IMAP or POP3) whose listening socket comes from our SSLContext. */
    private static final class Tls extends AbstractServer {
        private final SSLContext tls;
        private final boolean imap;

        Tls(ServerSetup setup, Managers managers, SSLContext tls, boolean imap) {
            super(setup, managers);
            this.tls = tls;
            this.imap = imap;
        }

        @Override
        protected ServerSocket openServerSocket() throws IOException {
            ServerSocket socket = tls.getServerSocketFactory().createServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            setup = setup.port(socket.getLocalPort());
            return socket;
        }

        @Override
        protected void handleClientSocket(Socket clientSocket) throws java.net.SocketException {
            // GreenMail leaves Nagle on: with delayed ACKs each round trip would cost about 40 ms
            // (docs/angus-behaviours.md AB-15).
            clientSocket.setTcpNoDelay(true);
            super.handleClientSocket(clientSocket);
        }

        @Override
        protected ProtocolHandler createProtocolHandler(Socket clientSocket) {
            return imap
                    ? new ImapHandler(managers.getUserManager(), managers.getImapHostManager(), clientSocket)
                    : new Pop3Handler(new Pop3CommandRegistry(), managers.getUserManager(), clientSocket);
        }
    }
}
