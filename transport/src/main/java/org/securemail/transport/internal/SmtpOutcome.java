package org.securemail.transport.internal;

import jakarta.mail.internet.InternetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one SMTP transaction achieved, after the server's 250 to the end of the message: the recipients it accepted,
 * those it rejected (each with its reply), and the final reply.
 */
public final class SmtpOutcome {
    /** A recipient the server rejected. */
    public static final class Rejection {
        private final int code;
        private final String reply;

        Rejection(int code, String reply) {
            this.code = code;
            this.reply = reply;
        }

        /** @return the reply code, e.g. 550 or 451 */
        public int code() {
            return code;
        }

        /** @return the reply, on one line */
        public String reply() {
            return reply;
        }
    }

    private final List<InternetAddress> accepted;
    private final Map<InternetAddress, Rejection> rejected;
    private final String finalReply;

    SmtpOutcome(List<InternetAddress> accepted, Map<InternetAddress, Rejection> rejected, String finalReply) {
        this.accepted = List.copyOf(accepted);
        this.rejected = Collections.unmodifiableMap(new LinkedHashMap<>(rejected));
        this.finalReply = finalReply;
    }

    /** @return the recipients the message was delivered to */
    public List<InternetAddress> accepted() {
        return accepted;
    }

    /** @return the recipients the server rejected, in order */
    public Map<InternetAddress, Rejection> rejected() {
        return rejected;
    }

    /** @return the server's reply to the end of the message */
    public String finalReply() {
        return finalReply;
    }
}
