package org.securemail.bench;

import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * Where the SMTP contenders send: the sink's host and ports, the run's CA and the credentials.
 *
 * @param host the host name the sink's certificate is issued for ({@code localhost})
 * @param port the STARTTLS port (or the latency proxy's port in front of it)
 * @param implicitPort the implicit-TLS port
 * @param ca the run's root CA, the only trust anchor of every contender
 * @param caFile the same CA as a PEM file (for forked JVMs)
 * @param user the AUTH user
 * @param password the AUTH password
 */
record SmtpTarget(String host, int port, int implicitPort, X509Certificate ca, Path caFile, String user,
                  char[] password) {
    /** @return this target with another STARTTLS port (the latency proxy's) */
    SmtpTarget viaPort(int otherPort) {
        return new SmtpTarget(host, otherPort, implicitPort, ca, caFile, user, password);
    }
}
