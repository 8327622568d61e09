package org.securemail.transport.internal;

import java.io.IOException;

/**
 * The server does not speak the way the mode expects: silent where a cleartext greeting belongs, or TLS where a
 * greeting belongs. The client's configuration names the wrong mode or port; retrying will not help.
 */
final class WrongModeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String fix;

    WrongModeException(String what, String fix) {
        super(what);
        this.fix = fix;
    }

    /** @return what to do */
    String fix() {
        return fix;
    }
}
