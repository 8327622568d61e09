/**
 * SecureMail core: enforces a TLS policy on every connection, with the JDK's provider or Bouncy Castle JSSE.
 */
module org.securemail.core {
    requires transitive org.securemail.policy;
    requires org.slf4j;
    requires static org.bouncycastle.tls;
    requires static org.bouncycastle.provider;

    exports org.securemail.core;
}
