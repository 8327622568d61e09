package org.securemail.cli;

import jakarta.mail.AuthenticationFailedException;
import java.io.PrintWriter;
import org.securemail.core.TlsRefusedException;
import org.securemail.transport.AmbiguousDeliveryException;
import org.securemail.transport.DeliveryException;
import org.securemail.transport.InvalidMessageException;
import org.securemail.transport.MailSecurityException;
import org.securemail.transport.PermanentDeliveryException;
import org.securemail.transport.TransientDeliveryException;

/** Exit codes, and errors as text or JSON: one place, so every command reports failures alike. */
final class Outcomes {
    static final int OK = 0;
    static final int OTHER = 1;
    static final int USAGE = 2;
    static final int SECURITY = 3;
    static final int TRANSIENT = 4;
    static final int PERMANENT = 5;

    private Outcomes() {
    }

    static int exitCode(Throwable e) {
        if (e instanceof MailSecurityException || e instanceof TlsRefusedException) {
            return SECURITY;
        }
        if (e instanceof org.securemail.transport.MailConnectionException) {
            return ((org.securemail.transport.MailConnectionException) e).isRetryable() ? TRANSIENT : OTHER;
        }
        if (e instanceof TransientDeliveryException || isConnectionFailure(e)) {
            return TRANSIENT;
        }
        if (e instanceof PermanentDeliveryException || e instanceof AuthenticationFailedException) {
            return PERMANENT;
        }
        if (e instanceof InvalidMessageException || e instanceof jakarta.mail.internet.AddressException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException || e instanceof UsageException) {
            return USAGE;
        }
        return OTHER;
    }

    private static boolean isConnectionFailure(Throwable e) {
        return e instanceof java.net.ConnectException || e instanceof java.net.SocketTimeoutException
                || e instanceof java.net.UnknownHostException;
    }

    static String type(Throwable e) {
        if (e instanceof AmbiguousDeliveryException) {
            return "ambiguous";
        }
        switch (exitCode(e)) {
            case SECURITY:
                return "security";
            case TRANSIENT:
                return "transient";
            case PERMANENT:
                return "permanent";
            case USAGE:
                return "usage";
            default:
                return "error";
        }
    }

    static String reason(Throwable e) {
        if (e instanceof MailSecurityException) {
            MailSecurityException s = (MailSecurityException) e;
            return s.tlsRefusal().map(t -> s.reason() + "/" + t.reason()).orElse(s.reason().name());
        }
        if (e instanceof TlsRefusedException) {
            return ((TlsRefusedException) e).reason().name();
        }
        if (e instanceof DeliveryException && ((DeliveryException) e).replyCode() > 0) {
            return Integer.toString(((DeliveryException) e).replyCode());
        }
        return null;
    }

    static Json.Obj error(Throwable e) {
        return Json.obj().put("type", type(e)).put("exception", e.getClass().getSimpleName())
                .put("message", String.valueOf(e.getMessage())).put("reason", reason(e));
    }

    /** Prints a failure and returns its exit code. */
    static int fail(Throwable e, boolean json, String command, PrintWriter out, PrintWriter err) {
        int code = exitCode(e);
        if (json) {
            Json.Obj o = Json.obj().put("ok", false).put("command", command).put("exitCode", code).put("error", error(e));
            if (e instanceof MailSecurityException) {
                ((MailSecurityException) e).handshake().ifPresent(h -> o.put("handshake", Describe.handshake(h)));
                o.put("serverCapabilities", ((MailSecurityException) e).serverCapabilities());
            }
            out.println(o);
        } else {
            err.println("securemail " + command + ": " + type(e) + ": " + e.getMessage());
        }
        out.flush();
        err.flush();
        return code;
    }

    /** A usage problem found by a command (exit code 2). */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
