/**
 * SecureMail transport: SMTP sending, IMAP and POP3 fetching, and drop-in Jakarta Mail sessions, under the TLS policy.
 */
module org.securemail.transport {
    requires transitive org.securemail.core;
    requires transitive jakarta.mail;
    requires org.eclipse.angus.mail;
    requires org.slf4j;

    exports org.securemail.transport;
    // Jakarta Mail's Session instantiates the hardened providers by reflection.
    exports org.securemail.transport.internal to jakarta.mail;
}
