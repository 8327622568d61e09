package org.securemail.transport.internal;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.securemail.transport.InvalidMessageException;

/**
 * The SMTP envelope of one message, resolved and checked before any connection is made: the sender for MAIL FROM (as
 * Angus Mail would choose it: an {@code SMTPMessage}'s envelope sender, else {@code mail.smtp.from}, else the first
 * From address; never a guess from the local host name), every recipient for RCPT TO (groups expanded), and the
 * DSN and extension parameters, each checked so that the command bytes are exactly what was checked
 * ({@link SmtpAddress}).
 */
public final class Envelope {
    private static final Pattern NOTIFY = Pattern.compile("NEVER|(SUCCESS|FAILURE|DELAY)(,(SUCCESS|FAILURE|DELAY))*",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern RET = Pattern.compile("FULL|HDRS", Pattern.CASE_INSENSITIVE);
    /** One ESMTP parameter: a keyword, and a value of printable ASCII without "=" (RFC 5321 section 4.1.2). */
    private static final String PARAMETER = "[A-Za-z0-9][A-Za-z0-9-]*(=[\\x21-\\x3c\\x3e-\\x7e]+)?";
    private static final Pattern EXTENSION = Pattern.compile(PARAMETER + "( " + PARAMETER + ")*");

    private final String from;
    private final List<InternetAddress> recipients;
    private final boolean utf8;
    private final String notify;
    private final String ret;
    private final String submitter;
    private final String extension;

    private Envelope(String from, List<InternetAddress> recipients, boolean utf8, String notify, String ret,
                     String submitter, String extension) {
        this.from = from;
        this.recipients = Collections.unmodifiableList(recipients);
        this.utf8 = utf8;
        this.notify = notify;
        this.ret = ret;
        this.submitter = submitter;
        this.extension = extension;
    }

    /**
     * Resolves and checks the envelope of a message.
     *
     * @param message the message
     * @param addresses the recipients ({@code getAllRecipients()}, or those given to {@code Transport.send})
     * @param session the sending session: its {@code mail.smtp.*} options and whether it sends UTF-8
     *     ({@code mail.mime.allowutf8})
     * @return the envelope
     * @throws InvalidMessageException if the sender or a recipient is missing or not a valid mailbox, or an option is
     *     malformed; nothing was sent
     */
    public static Envelope of(MimeMessage message, Address[] addresses, Session session) throws MessagingException {
        boolean utf8 = MessageCapture.allowsUtf8(session);
        SMTPMessage smtp = message instanceof SMTPMessage ? (SMTPMessage) message : null;
        String from = smtp == null ? null : smtp.getEnvelopeFrom();
        if (from == null || from.isEmpty()) {
            from = session.getProperty("mail.smtp.from");
        }
        if (from == null || from.isEmpty()) {
            Address[] fa;
            try {
                fa = message.getFrom();
            } catch (AddressException e) {
                throw new InvalidMessageException("message has an unparseable From header: " + e.getMessage()
                        + "; set it with setFrom(new InternetAddress(...))");
            }
            if (fa == null || fa.length == 0) {
                throw new InvalidMessageException("message has no sender: set it with setFrom(...)"
                        + " (SecureMail never guesses one from the local host name)");
            }
            if (!(fa[0] instanceof InternetAddress)) {
                throw new InvalidMessageException("sender " + fa[0] + " is not an InternetAddress");
            }
            from = ((InternetAddress) fa[0]).getAddress();
        }
        if (from.equals("<>")) {
            from = "";
        } else {
            SmtpAddress.check(from, "sender", utf8);
        }
        if (addresses == null || addresses.length == 0) {
            throw new InvalidMessageException("message has no recipient: add To, Cc or Bcc addresses");
        }
        List<InternetAddress> rcpts = new ArrayList<>();
        for (Address a : addresses) {
            if (!(a instanceof InternetAddress)) {
                throw new InvalidMessageException("recipient " + a + " is not an InternetAddress");
            }
            InternetAddress ia = (InternetAddress) a;
            if (ia.isGroup()) {
                InternetAddress[] members;
                try {
                    members = ia.getGroup(false);
                } catch (AddressException e) {
                    throw new InvalidMessageException("recipient group " + SmtpAddress.printable(ia.getAddress())
                            + " cannot be parsed: " + e.getMessage());
                }
                for (InternetAddress m : members == null ? new InternetAddress[0] : members) {
                    SmtpAddress.check(m.getAddress(), "recipient", utf8);
                    rcpts.add(m);
                }
                continue;
            }
            SmtpAddress.check(ia.getAddress(), "recipient", utf8);
            rcpts.add(ia);
        }
        if (rcpts.isEmpty()) {
            throw new InvalidMessageException("message has no recipient: its groups are empty");
        }
        String notify = option(smtp == null ? null : notifyOf(smtp.getNotifyOptions()), session,
                "mail.smtp.dsn.notify", NOTIFY);
        String ret = option(smtp == null ? null : returnOf(smtp.getReturnOption()), session, "mail.smtp.dsn.ret", RET);
        String submitter = smtp == null || smtp.getSubmitter() == null ? session.getProperty("mail.smtp.submitter")
                : smtp.getSubmitter();
        if (submitter != null) {
            SmtpAddress.check(submitter, "submitter (AUTH=)", utf8);
        }
        String extension = option(smtp == null ? null : smtp.getMailExtension(), session, "mail.smtp.mailextension",
                EXTENSION);
        return new Envelope(from, rcpts, utf8 && (nonAscii(from) || rcpts.stream().anyMatch(
                r -> nonAscii(r.getAddress()))), notify, ret, submitter, extension);
    }

    private static String notifyOf(int options) {
        if (options == SMTPMessage.NOTIFY_NEVER) {
            return "NEVER";
        }
        StringBuilder sb = new StringBuilder();
        if ((options & SMTPMessage.NOTIFY_SUCCESS) != 0) {
            sb.append("SUCCESS");
        }
        if ((options & SMTPMessage.NOTIFY_FAILURE) != 0) {
            sb.append(sb.length() > 0 ? "," : "").append("FAILURE");
        }
        if ((options & SMTPMessage.NOTIFY_DELAY) != 0) {
            sb.append(sb.length() > 0 ? "," : "").append("DELAY");
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private static String returnOf(int option) {
        return option == SMTPMessage.RETURN_FULL ? "FULL" : option == SMTPMessage.RETURN_HDRS ? "HDRS" : null;
    }

    private static String option(String fromMessage, Session session, String property, Pattern syntax)
            throws InvalidMessageException {
        String v = fromMessage != null && !fromMessage.isEmpty() ? fromMessage : session.getProperty(property);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (!syntax.matcher(v).matches()) {
            throw new InvalidMessageException("SMTP option " + property + " has the malformed value \""
                    + SmtpAddress.printable(v) + "\"; nothing was sent");
        }
        return v.toUpperCase(Locale.ROOT).equals(v) || property.endsWith("mailextension") ? v
                : v.toUpperCase(Locale.ROOT);
    }

    private static boolean nonAscii(String s) {
        return s.chars().anyMatch(c -> c >= 0x80);
    }

    /** @return the reverse path, empty for the null sender {@code <>} */
    public String from() {
        return from;
    }

    /** @return the recipients, groups expanded */
    public List<InternetAddress> recipients() {
        return recipients;
    }

    /** @return whether an address holds non-ASCII characters, which need SMTPUTF8 */
    public boolean needsUtf8() {
        return utf8;
    }

    String dsnNotify() {
        return notify;
    }

    String ret() {
        return ret;
    }

    String submitter() {
        return submitter;
    }

    String extension() {
        return extension;
    }

    /**
     * Says whether the message asks for REQUIRETLS (RFC 8689): given to {@code send} or among an {@code SMTPMessage}'s
     * MAIL parameters.
     *
     * @return true if every hop must use authenticated TLS
     */
    public boolean requireTls() {
        if (extension == null) {
            return false;
        }
        for (String p : extension.split(" ")) {
            if (p.equalsIgnoreCase("REQUIRETLS")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns this envelope with the REQUIRETLS MAIL parameter (RFC 8689), once.
     *
     * @return the envelope that asks for REQUIRETLS
     */
    public Envelope withRequireTls() {
        if (requireTls()) {
            return this;
        }
        return new Envelope(from, recipients, utf8, notify, ret, submitter,
                extension == null ? "REQUIRETLS" : extension + " REQUIRETLS");
    }
}
