package org.securemail.testing;

import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TrustSource;

/**
 * A JUnit 5 extension that gives a test SMTP, IMAP and POP3 servers on loopback with certificates made for this run,
 * and the {@link TlsPolicy} that trusts exactly those certificates. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SecureMailServerExtension mail = SecureMailServerExtension.create();
 *
 * @Test
 * void sends() throws Exception {
 *     HostileSmtpServer smtp = mail.smtp();
 *     try (SmtpSender sender = SecureMail.smtp(smtp.host()).port(smtp.port()).policy(mail.policy()).build()) {
 *         sender.send(message);
 *     }
 *     WireAssertions.assertNothingSentInCleartext(smtp, List.of("the subject"));
 *     WireAssertions.assertDeliveredOnce(smtp, "the subject");
 * }
 * }</pre>
 *
 * <p>The servers listen on 127.0.0.1 with a port the system chooses, present a certificate for {@code localhost} and
 * {@code 127.0.0.1} issued by an intermediate of a root CA generated in memory when the extension is first used
 * (nothing is written to disk or registered with the JVM), record every line they receive with whether it came in
 * cleartext or under TLS, and are closed after each test. {@link #smtp()}, {@link #imap()} and {@link #pop3()} start
 * well-behaved servers that offer STARTTLS; {@link #smtpServer()}, {@link #imapServer()} and {@link #pop3Server()}
 * script one that misbehaves: STARTTLS stripped or refused, replies injected after the go-ahead, 4xx and 5xx replies,
 * stalls, dropped connections, {@link Attack attacks}.
 *
 * <p>One instance serves one test at a time: tests of a class that run in parallel need an instance each (a
 * non-static field, which JUnit creates per test).
 */
public final class SecureMailServerExtension implements AfterEachCallback, AfterAllCallback {
    private final String pkiName;
    private final List<RecordingServer<?>> started = new ArrayList<>();
    private TestPki pki;
    private TestPki.Issued identity;
    private SSLContext serverTls;
    private TlsPolicy policy;
    private HostileSmtpServer smtp;
    private HostileImapServer imap;
    private HostilePop3Server pop3;

    private SecureMailServerExtension(String pkiName) {
        this.pkiName = pkiName;
    }

    /**
     * Creates the extension; its certificates are generated when a test first needs them.
     *
     * @return a new extension
     */
    public static SecureMailServerExtension create() {
        return new SecureMailServerExtension("SecureMail Test Kit");
    }

    /**
     * Returns the PKI of this run, to issue further certificates from: expired, for another host, with a weak key,
     * for a client.
     *
     * @return the PKI, generated on the first call
     */
    public synchronized TestPki pki() {
        if (pki == null) {
            pki = TestPki.create(pkiName);
        }
        return pki;
    }

    /**
     * Returns the identity the servers present: a certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}
     * issued by the intermediate CA of {@link #pki()}, with its chain and key.
     *
     * @return the servers' certificate, chain and key
     */
    public synchronized TestPki.Issued serverCertificate() {
        if (identity == null) {
            identity = pki().localhostLeaf().issue();
        }
        return identity;
    }

    /**
     * Returns the servers' TLS context, to pass to a server built directly ({@code HostileSmtpServer.builder(...)}).
     *
     * @return the context presenting {@link #serverCertificate()}
     */
    public synchronized SSLContext serverTls() {
        if (serverTls == null) {
            serverTls = ServerTls.context(serverCertificate());
        }
        return serverTls;
    }

    /**
     * Returns SecureMail's default policy ({@link TlsPolicy#MODERN}) trusting only the root CA of this run: the policy
     * to give the client under test, so that it verifies the servers' certificates as it would a real server's.
     *
     * @return the policy
     */
    public synchronized TlsPolicy policy() {
        if (policy == null) {
            policy = TlsPolicy.MODERN.toBuilder()
                    .trust(TrustSource.certificates(List.of(pki().rootCertificate())))
                    .build();
        }
        return policy;
    }

    /**
     * Returns this test's SMTP server, started on the first call: STARTTLS offered, AUTH PLAIN, LOGIN and XOAUTH2
     * under TLS accepting any credentials, every message accepted and kept ({@link HostileSmtpServer#messages()}).
     *
     * @return the server
     */
    public synchronized HostileSmtpServer smtp() {
        if (smtp == null) {
            smtp = smtpServer().start();
        }
        return smtp;
    }

    /**
     * Returns this test's IMAP server, started on the first call: STARTTLS offered, LOGINDISABLED before TLS, any
     * login accepted under TLS, an empty INBOX. Script one with messages through {@link #imapServer()}.
     *
     * @return the server
     */
    public synchronized HostileImapServer imap() {
        if (imap == null) {
            imap = imapServer().start();
        }
        return imap;
    }

    /**
     * Returns this test's POP3 server, started on the first call: STLS offered, any login accepted under TLS, an
     * empty maildrop. Script one with messages through {@link #pop3Server()}.
     *
     * @return the server
     */
    public synchronized HostilePop3Server pop3() {
        if (pop3 == null) {
            pop3 = pop3Server().start();
        }
        return pop3;
    }

    /**
     * Starts scripting an SMTP server with this run's certificate; the server {@code start()} returns is closed after
     * the test.
     *
     * @return a builder
     */
    public HostileSmtpServer.Builder smtpServer() {
        HostileSmtpServer.Builder b = HostileSmtpServer.builder(serverTls());
        b.onStart = this::track;
        return b;
    }

    /**
     * Starts scripting an IMAP server with this run's certificate; the server {@code start()} returns is closed after
     * the test.
     *
     * @return a builder
     */
    public HostileImapServer.Builder imapServer() {
        HostileImapServer.Builder b = HostileImapServer.builder(serverTls());
        b.onStart = this::track;
        return b;
    }

    /**
     * Starts scripting a POP3 server with this run's certificate; the server {@code start()} returns is closed after
     * the test.
     *
     * @return a builder
     */
    public HostilePop3Server.Builder pop3Server() {
        HostilePop3Server.Builder b = HostilePop3Server.builder(serverTls());
        b.onStart = this::track;
        return b;
    }

    private synchronized void track(RecordingServer<?> server) {
        started.add(server);
    }

    /**
     * Closes the servers the test started.
     *
     * @param context the test's context
     */
    @Override
    public void afterEach(ExtensionContext context) {
        closeServers();
    }

    /**
     * Closes the servers a {@code @BeforeAll} method started.
     *
     * @param context the test class's context
     */
    @Override
    public void afterAll(ExtensionContext context) {
        closeServers();
    }

    private synchronized void closeServers() {
        for (RecordingServer<?> s : started) {
            s.close();
        }
        started.clear();
        smtp = null;
        imap = null;
        pop3 = null;
    }

    @Override
    public String toString() {
        return "SecureMailServerExtension{servers open: " + started.size() + "}";
    }
}
