package org.securemail.transport.internal;

import java.io.IOException;
import org.securemail.transport.MailSecurityException;

/**
 * Raised at the wire by SecureMail's socket layer ({@link GuardedSocket}, {@link ReplyBounds}, {@link CommandWatch}):
 * a command stopped before it left, or a server reply refused before the protocol code read it. Angus Mail passes
 * I/O exceptions through; {@link Failures} finds this one in the chain and turns it into a
 * {@link MailSecurityException} with its reason.
 */
public final class GuardException extends IOException {
    private static final long serialVersionUID = 1L;

    private final MailSecurityException.Reason reason;
    private final String fix;

    GuardException(MailSecurityException.Reason reason, String what, String fix) {
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
