/**
 * SecureMail policy: what a TLS connection may be. Depends on the JDK only.
 */
module org.securemail.policy {
    exports org.securemail.policy;
    exports org.securemail.policy.internal to org.securemail.core;
}
