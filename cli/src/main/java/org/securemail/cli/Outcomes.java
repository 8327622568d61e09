package org.securemail.cli;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FolderNotFoundException;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.MethodNotSupportedException;
import jakarta.mail.internet.AddressException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.securemail.core.TlsRefusedException;
import org.securemail.transport.AmbiguousDeliveryException;
import org.securemail.transport.DeliveryException;
import org.securemail.transport.InvalidMessageException;
import org.securemail.transport.MailConnectionException;
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

    /** An SMTP reply code at the start of a reply, or an IMAP/POP3 response code in brackets (RFC 5530, RFC 3206). */
    private static final Pattern SMTP_CODE = Pattern.compile("^\\s*([2-5]\\d\\d)(?:[ -]|$)");
    private static final Pattern RESPONSE_CODE = Pattern.compile("^\\s*(?:-ERR\\s+|NO\\s+|BAD\\s+)?\\[([A-Za-z-]+)[^]]*]");

    private Outcomes() {
    }

    static int exitCode(Throwable e) {
        if (e instanceof MailSecurityException || e instanceof TlsRefusedException) {
            return SECURITY;
        }
        if (e instanceof MailConnectionException) {
            return ((MailConnectionException) e).isRetryable() ? TRANSIENT : OTHER;
        }
        if (e instanceof TransientDeliveryException || e instanceof ConnectionLostException
                || isConnectionFailure(e)) {
            return TRANSIENT;
        }
        if (e instanceof PermanentDeliveryException || e instanceof AuthenticationFailedException) {
            return PERMANENT;
        }
        if (e instanceof InvalidMessageException || e instanceof AddressException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException || e instanceof UsageException) {
            return USAGE;
        }
        return OTHER;
    }

    private static boolean isConnectionFailure(Throwable e) {
        return e instanceof ConnectException || e instanceof SocketTimeoutException
                || e instanceof UnknownHostException;
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

    /**
     * A short, stable word for what went wrong, for scripts reading {@code --json}: never null. See docs/cli.md,
     * "Exit codes", for the list.
     */
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
        if (e instanceof AmbiguousDeliveryException) {
            return "NO_FINAL_REPLY";
        }
        if (e instanceof AuthenticationFailedException) {
            return credentialsReason(e);
        }
        if (e instanceof MailConnectionException && !((MailConnectionException) e).isRetryable()) {
            return "UNSUPPORTED_BY_SERVER";
        }
        if (e instanceof TruncatedMessageException) {
            return "TRUNCATED";
        }
        if (e instanceof OutputException) {
            return "OUTPUT_FAILED";
        }
        if (e instanceof MessageRemovedException) {
            return "NO_SUCH_MESSAGE";
        }
        if (e instanceof FolderNotFoundException) {
            return "NO_SUCH_FOLDER";
        }
        if (e instanceof MethodNotSupportedException) {
            return "NOT_SUPPORTED_BY_SERVER";
        }
        if (e instanceof InvalidMessageException) {
            return "INVALID_MESSAGE";
        }
        if (e instanceof AddressException) {
            return "INVALID_ADDRESS";
        }
        if (e instanceof UsageException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            return "USAGE";
        }
        String connection = connectionReason(e);
        if (connection != null) {
            return connection;
        }
        return e instanceof MessagingException ? "MAIL_ERROR" : "UNEXPECTED";
    }

    /**
     * Rejected credentials: the SMTP reply code (535), or the response code an IMAP or POP3 server put in brackets
     * ({@code AUTHENTICATIONFAILED}, {@code AUTH}), else {@code CREDENTIALS_REJECTED}.
     */
    private static String credentialsReason(Throwable e) {
        for (Throwable t : causes(e)) {
            if (t instanceof AuthenticationFailedException && t.getMessage() != null) {
                Matcher smtp = SMTP_CODE.matcher(t.getMessage());
                if (smtp.find()) {
                    return smtp.group(1);
                }
                Matcher code = RESPONSE_CODE.matcher(t.getMessage());
                if (code.find()) {
                    return code.group(1).toUpperCase(java.util.Locale.ROOT);
                }
            }
        }
        return "CREDENTIALS_REJECTED";
    }

    /** A failure to connect or a lost connection, from the exception and its causes; null when it is not one. */
    private static String connectionReason(Throwable e) {
        boolean io = e instanceof ConnectionLostException || e instanceof MailConnectionException
                || e instanceof TransientDeliveryException;
        for (Throwable t : causes(e)) {
            if (t instanceof UnknownHostException) {
                return "UNKNOWN_HOST";
            }
            if (t instanceof ConnectException) {
                return "CONNECTION_REFUSED";
            }
            if (t instanceof SocketTimeoutException
                    || (t.getMessage() != null && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("timed out"))) {
                return "TIMEOUT";
            }
            io |= t instanceof java.io.IOException;
        }
        return io ? "CONNECTION_LOST" : null;
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> all = new ArrayList<>();
        Throwable t = e;
        while (t != null && all.size() < 20 && !all.contains(t)) {
            all.add(t);
            t = t instanceof MessagingException && ((MessagingException) t).getNextException() != null
                    ? ((MessagingException) t).getNextException() : t.getCause();
        }
        return all;
    }

    /** The exception's message as the tool prints it: the library's Java advice turned into flags. */
    static String message(Throwable e) {
        return Hints.forCli(String.valueOf(e.getMessage()));
    }

    static Json.Obj error(Throwable e) {
        return Json.obj().put("type", type(e)).put("exception", e.getClass().getSimpleName())
                .put("message", message(e)).put("reason", reason(e));
    }

    /** Prints a failure and returns its exit code. */
    static int fail(Throwable e, boolean json, String command, PrintWriter out, PrintWriter err) {
        int code = exitCode(e);
        if (json) {
            Json.Obj o = Json.obj().put("ok", false).put("command", command).put("exitCode", code).put("error", error(e));
            if (e instanceof MailSecurityException) {
                ((MailSecurityException) e).endpoint().handshake()
                        .ifPresent(h -> o.put("handshake", Describe.handshake(h)));
                o.put("serverCapabilities", ((MailSecurityException) e).serverCapabilities());
            }
            out.println(o);
        } else {
            err.println("securemail " + command + ": " + type(e) + ": " + message(e));
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

    /** The connection broke while a message was being read (exit code 4). */
    static final class ConnectionLostException extends Exception {
        private static final long serialVersionUID = 1L;

        ConnectionLostException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The server ended a message before the size it announced (exit code 1). */
    static final class TruncatedMessageException extends Exception {
        private static final long serialVersionUID = 1L;

        TruncatedMessageException(String message) {
            super(message);
        }
    }

    /** The message could not be written where it was asked for (exit code 1). */
    static final class OutputException extends Exception {
        private static final long serialVersionUID = 1L;

        OutputException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
