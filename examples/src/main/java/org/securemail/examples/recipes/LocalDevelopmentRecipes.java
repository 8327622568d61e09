package org.securemail.examples.recipes;

import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;

/**
 * Mailpit, MailHog or any other development SMTP server on this machine, which catches mail and shows it in a web UI
 * instead of delivering it. They speak cleartext SMTP on port 1025 (web UI on 8025), so the sender uses the one mode
 * without TLS, {@code insecureCleartextForLocalDevelopment()}: loopback addresses only, no credentials, a WARN when
 * built. Keep it out of production configuration: choose the builder by environment, not by a flag in the same code
 * path.
 */
public final class LocalDevelopmentRecipes {
    private LocalDevelopmentRecipes() {
    }

    /**
     * A sender for a development SMTP server on this machine.
     *
     * @param port the server's SMTP port: 1025 for Mailpit and MailHog
     * @return the sender
     */
    public static SmtpSender mailpit(int port) {
        return SecureMail.smtp("localhost")
                .port(port)                                        // Mailpit and MailHog: 1025
                .insecureCleartextForLocalDevelopment()            // no TLS; loopback only; no credentials
                .build();
    }
}
