package org.securemail.core.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.securemail.core.TlsRefusalReason;
import org.securemail.policy.CipherSuite;
import org.securemail.policy.NamedGroup;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsVersion;

/**
 * Turns a provider's handshake exception into a refusal reason when no check of ours recorded one: the server
 * refused our versions or suites, rejected the client certificate, or did not speak TLS. Works on the text of the
 * JDK's and Bouncy Castle's exceptions and alerts, walking the cause chain. Plain I/O failures (timeouts, resets)
 * are not refusals: they return null and are rethrown as they are.
 */
final class FailureClassifier {
    private FailureClassifier() {
    }

    static Refusal classify(IOException failure, TlsPolicy policy, ConnectionState state) {
        if (failure instanceof InterruptedIOException) {
            return null;
        }
        String text = allMessages(failure);
        // An alert the server sent, as opposed to one the provider raised locally (Bouncy Castle raises
        // handshake_failure itself when the server just closes the connection).
        boolean received = text.contains("received fatal alert") || text.contains("tlsfatalalertreceived");
        boolean beforeServerHello = state.cipherSuiteSeen() == null && !state.isCertificateChecked();
        String versions = policy.versions().stream().map(TlsVersion::protocolName).collect(Collectors.joining(", "));
        if (text.contains("protocol_version") || text.contains("not accepted by client preferences")
                || text.contains("server version") || text.contains("protocol version")) {
            return new Refusal(TlsRefusalReason.PROTOCOL_VERSION, "TLS version below the policy minimum: the server"
                    + " supports none of " + versions + " (it offers an older version, forbidden by RFC 8996);"
                    + " the server must be upgraded to TLS 1.2 or newer");
        }
        // Our own certificate checks record their refusal before the provider sends an alert, so a certificate alert
        // received from the server is about the client certificate.
        if (received && (text.contains("certificate_required") || text.contains("bad_certificate")
                || text.contains("certificate_unknown") || text.contains("unknown_ca")
                || text.contains("unsupported_certificate") || text.contains("access_denied"))) {
            return new Refusal(TlsRefusalReason.CLIENT_CERTIFICATE_REJECTED, "server refused the client"
                    + " certificate or requires one: " + firstLine(failure)
                    + "; configure TlsPolicy.clientCertificate(...) with a certificate the server trusts");
        }
        // A server that asked for a client certificate and then ended the handshake refused it (or its absence); it
        // may close the connection before the client reads its alert, so a broken connection counts too.
        if (state.isClientCertificateRequested()) {
            return policy.clientCertificate().isEmpty()
                    ? new Refusal(TlsRefusalReason.CLIENT_CERTIFICATE_REJECTED, "server requires a client certificate"
                            + " and the policy has none: " + firstLine(failure)
                            + "; configure TlsPolicy.clientCertificate(...)")
                    : new Refusal(TlsRefusalReason.CLIENT_CERTIFICATE_REJECTED, "server refused the client"
                            + " certificate: " + firstLine(failure) + "; check that the server trusts its issuer"
                            + " (TlsPolicy.clientCertificate(...))");
        }
        if (text.contains("unrecognized ssl message") || text.contains("plaintext connection")
                || text.contains("not an ssl/tls record") || text.contains("unsupported or unrecognized")
                || text.contains("unexpected record type") || text.contains("unsupported unknown(")) {
            return new Refusal(TlsRefusalReason.HANDSHAKE_FAILED, "server did not answer with TLS: "
                    + firstLine(failure) + "; the port may expect STARTTLS (587, 143, 110) rather than implicit TLS"
                    + " (465, 993, 995)");
        }
        if (beforeServerHello && !received && (text.contains("remote host terminated the handshake")
                || text.contains("tlsnoclosenotifyexception") || failure instanceof EOFException
                || isBouncyCastleAlert(failure))) {
            return new Refusal(TlsRefusalReason.HANDSHAKE_FAILED, "server closed the connection in the TLS"
                    + " handshake without an alert, before choosing a version or suite: it most likely supports none"
                    + " of the policy's versions (" + versions + ") or cipher suites, and does not say which;"
                    + " `securemail probe` shows what it negotiates, the server's log says what it refused");
        }
        if (text.contains("handshake_failure") || text.contains("insufficient_security")
                || text.contains("no cipher suites in common") || text.contains("no shared cipher")
                || text.contains("no negotiable cipher suite")) {
            String seen = state.cipherSuiteSeen();
            if (seen != null && seen.contains("_DHE_")) {
                return new Refusal(TlsRefusalReason.WEAK_KEY_EXCHANGE, "ephemeral key exchange below the policy"
                        + " minimum: the server's DH group for " + seen + " was refused (it must be an RFC 7919 group"
                        + " of at least " + policy.minimumDhKeyBits() + " bits); the server must offer a stronger"
                        + " group");
            }
            if (state.isCertificateChecked()) {
                return new Refusal(TlsRefusalReason.HANDSHAKE_FAILED, "server aborted the handshake after choosing"
                        + " its parameters: " + firstLine(failure) + "; if the server requires a client certificate,"
                        + " configure TlsPolicy.clientCertificate(...)");
            }
            return new Refusal(TlsRefusalReason.NO_SHARED_CIPHER_SUITE, "no cipher suite or key-exchange group in"
                    + " common: the server accepted none of the policy's " + policy.cipherSuites().size() + " suites ("
                    + policy.cipherSuites().stream().limit(4).map(CipherSuite::name).collect(Collectors.joining(", "))
                    + ", ...) with groups " + policy.namedGroups().stream().map(NamedGroup::tlsName)
                    .collect(Collectors.toList()) + " and versions " + versions
                    + "; the server may offer only old TLS versions (TLS 1.0 or 1.1, forbidden by RFC 8996) or only"
                    + " old suites (static RSA, CBC, RC4, 3DES); configure it for TLS 1.2 or newer with ECDHE and"
                    + " AES-GCM or ChaCha20 (`securemail probe` shows what it negotiates)");
        }
        if (failure instanceof SSLException || hasCause(failure, SSLException.class) || isBouncyCastleAlert(failure)) {
            return new Refusal(TlsRefusalReason.HANDSHAKE_FAILED, "TLS handshake failed: " + firstLine(failure));
        }
        if (failure instanceof EOFException) {
            return new Refusal(TlsRefusalReason.HANDSHAKE_FAILED, "server closed the connection during the TLS"
                    + " handshake");
        }
        return null;
    }

    /** Bouncy Castle reports TLS alerts as {@code org.bouncycastle.tls.TlsException}s, plain IOExceptions. */
    private static boolean isBouncyCastleAlert(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getClass().getName().startsWith("org.bouncycastle.tls.Tls")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String allMessages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            sb.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append('\n');
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
