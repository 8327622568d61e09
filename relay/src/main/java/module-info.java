/**
 * SecureMail relay: delivery straight to a recipient domain's MX hosts, with DANE and MTA-STS where the domain
 * publishes them.
 */
module org.securemail.relay {
    requires transitive org.securemail.transport;
    requires org.dnsjava;
    // SMTPTransport.getLastServerResponse(): the EHLO reply a probe reports.
    requires org.eclipse.angus.mail;
    requires org.slf4j;

    exports org.securemail.relay;
}
