package org.securemail.transport.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPMessage;

/**
 * A message that passed {@link MessageHygiene}: a byte-for-byte copy of the original, serialized once, so that what
 * was checked is exactly what is sent (and a message whose content can be read only once is not lost).
 */
public final class PreparedMessage extends SMTPMessage {
    private final int octets;

    PreparedMessage(MimeMessage source, int octets) throws MessagingException {
        super(source);
        this.octets = octets;
        if (source instanceof SMTPMessage) {
            SMTPMessage s = (SMTPMessage) source;
            setEnvelopeFrom(s.getEnvelopeFrom());
            setNotifyOptions(s.getNotifyOptions());
            setReturnOption(s.getReturnOption());
            setSendPartial(s.getSendPartial());
            setSubmitter(s.getSubmitter());
            setMailExtension(s.getMailExtension());
            setAllow8bitMIME(s.getAllow8bitMIME());
        }
    }

    /** @return the size of the serialized message, in octets */
    public int octets() {
        return octets;
    }
}
