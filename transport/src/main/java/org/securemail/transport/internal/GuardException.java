package org.securemail.transport.internal;

import java.io.IOException;
import org.securemail.transport.MailSecurityException;

/** Raised at the wire by {@link GuardedSocket}; translated into a {@link MailSecurityException} with its reason. */
public final class CleartextGuardException extends IOException {
    private static final long serialVersionUID = 1L;

    private final MailSecurityException.Reason reason;
    private final String fix;

    CleartextGuardException(MailSecurityException.Reason reason, String what, String fix) {
        super(what);
        this.reason = reason;
        this.fix = fix;
    }

    /** @return the reason */
    public MailSecurityException.Reason reason() {
        return reason;
    }

    /** @return what to do */
    public String fix() {
        return fix;
    }
}
