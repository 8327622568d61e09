package org.securemail.transport.internal;

import jakarta.mail.URLName;

/**
 * Makes a store read the properties SecureMail set, whatever name it was asked for by: Angus derives its property
 * prefix from the URL's protocol, so {@code getStore("imaps")} would read only {@code mail.imaps.*}, which SecureMail
 * never sets (docs/angus-behaviours.md AB-13). The hardened stores replace the protocol of their URL name with the
 * base protocol; the
 * session's mode alone decides between implicit TLS and STARTTLS.
 */
final class StoreNames {
    private StoreNames() {
    }

    static URLName as(String protocol, URLName url) {
        if (url == null) {
            return new URLName(protocol, null, -1, null, null, null);
        }
        return new URLName(protocol, url.getHost(), url.getPort(), url.getFile(), url.getUsername(),
                url.getPassword());
    }
}
