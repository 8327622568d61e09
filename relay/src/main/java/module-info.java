/**
 * SecureMail relay: delivery straight to a recipient domain's MX hosts, with DANE and MTA-STS where the domain
 * publishes them.
 */
module org.securemail.relay {
    requires transitive org.securemail.transport;
    requires org.dnsjava;
    requires org.slf4j;

    exports org.securemail.relay;
}
