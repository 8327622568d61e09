package org.securemail.spring;

import jakarta.mail.Session;
import java.util.Objects;
import java.util.Properties;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * The {@code JavaMailSender} the starter provides: Spring's {@link JavaMailSenderImpl}, so that Boot's mail health
 * indicator and {@code spring.mail.test-connection} keep working, sending through a SecureMail session whose
 * transport enforces the TLS policy and mode.
 *
 * <p>It protects against the ways Spring lets a sender lose that session: every setter that would replace or
 * rebuild it ({@link #setJavaMailProperties}, {@link #setSession}, {@link #setProtocol}, {@link #setHost},
 * {@link #setPort}) or send other credentials ({@link #setUsername}, {@link #setPassword}) throws
 * {@link UnsupportedOperationException}; {@code setJavaMailProperties} in particular would make Spring build a plain
 * Angus session on the next send, which sends the password and the message in cleartext. Harmless setters
 * ({@code setDefaultEncoding}, {@code setDefaultFileTypeMap}) work as usual. It does not protect against code that
 * builds its own {@code Session} or {@code JavaMailSender}.
 */
public final class SecureJavaMailSender extends JavaMailSenderImpl {
    private final boolean built;

    /**
     * Creates a sender around a session SecureMail built.
     *
     * @param session the session, from {@code SmtpSender.session()} or {@code SmtpSender.Builder.buildSession()}
     * @param host the session's SMTP host, for Boot's health details and Spring's connect call
     * @param port the session's port
     * @throws NullPointerException if {@code session} or {@code host} is null
     */
    public SecureJavaMailSender(Session session, String host, int port) {
        super.setSession(Objects.requireNonNull(session, "session"));
        super.setHost(Objects.requireNonNull(host, "host"));
        super.setPort(port);
        this.built = true;
    }

    private void refuse(String setter, String instead) {
        if (built) {
            throw new UnsupportedOperationException(setter + " is refused on the SecureMail JavaMailSender: it would"
                    + " replace the session whose transport enforces the TLS policy; " + instead);
        }
    }

    /**
     * Refused: Spring would drop the SecureMail session and build a plain one from these properties on the next send.
     *
     * @param javaMailProperties ignored
     * @throws UnsupportedOperationException always, once built
     */
    @Override
    public void setJavaMailProperties(Properties javaMailProperties) {
        refuse("setJavaMailProperties(...)", "set formatting options as spring.mail.properties.* and the rest as"
                + " securemail.* keys (docs/spring-boot.md)");
        super.setJavaMailProperties(javaMailProperties);
    }

    /**
     * Refused: the session is the one SecureMail built.
     *
     * @param session ignored
     * @throws UnsupportedOperationException always, once built
     */
    @Override
    public synchronized void setSession(Session session) {
        refuse("setSession(...)", "configure the server with spring.mail.* and securemail.* keys, or declare your own"
                + " JavaMailSender bean around SecureMail.smtp(host)...buildSession()");
        super.setSession(session);
    }

    /**
     * Refused: the protocol follows the session's mode.
     *
     * @param protocol ignored
     * @throws UnsupportedOperationException always, once built
     */
    @Override
    public void setProtocol(String protocol) {
        refuse("setProtocol(...)", "choose implicit TLS with spring.mail.ssl.enabled=true or"
                + " securemail.smtp.mode=IMPLICIT_TLS");
        super.setProtocol(protocol);
    }

    /**
     * Refused: the host is the session's, which credentials are sent to.
     *
     * @param host ignored
     * @throws UnsupportedOperationException always, once built
     */
    @Override
    public void setHost(String host) {
        refuse("setHost(...)", "set spring.mail.host");
        super.setHost(host);
    }

    /**
     * Refused: the port is the session's.
     *
     * @param port ignored
     * @throws UnsupportedOperationException always, once built
     */
    @Override
    public void setPort(int port) {
        refuse("setPort(...)", "set spring.mail.port");
        super.setPort(port);
    }

    /**
     * Refused: the credentials are the session's.
     *
     * @param username ignored
     * @throws UnsupportedOperationException always, once built
     */
    @Override
    public void setUsername(String username) {
        refuse("setUsername(...)", "set spring.mail.username and spring.mail.password");
        super.setUsername(username);
    }

    /**
     * Refused: the credentials are the session's.
     *
     * @param password ignored
     * @throws UnsupportedOperationException always, once built
     */
    @Override
    public void setPassword(String password) {
        refuse("setPassword(...)", "set spring.mail.username and spring.mail.password");
        super.setPassword(password);
    }

    @Override
    public String toString() {
        return "SecureJavaMailSender{" + getHost() + ":" + getPort() + "}";
    }
}
