package org.securemail.bench;

import java.security.cert.X509Certificate;

/**
 * The IMAP server of P5 (the interop environment's Dovecot, implicit TLS) and the folder the harness filled.
 *
 * @param host its address ({@code 127.0.0.2}, in its certificate)
 * @param port the implicit-TLS IMAP port
 * @param ca the environment's CA
 * @param user the user
 * @param password the password
 */
record ImapTarget(String host, int port, X509Certificate ca, String user, char[] password) {
}
