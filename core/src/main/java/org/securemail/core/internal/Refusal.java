package org.securemail.core.internal;

import org.securemail.core.TlsRefusalReason;

/** A broken rule found by a check, before host, port and mode are attached. */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    private final TlsRefusalReason reason;

    Refusal(TlsRefusalReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    TlsRefusalReason reason() {
        return reason;
    }

    String detail() {
        return getMessage();
    }
}
