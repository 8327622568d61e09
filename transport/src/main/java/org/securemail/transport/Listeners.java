package org.securemail.transport;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.securemail.transport.internal.ConnectionContext;
import org.securemail.transport.internal.MailEvents;
import org.securemail.transport.internal.SmtpOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a client's {@link MailListener}s, each in turn, in the order they were registered; a listener that throws is
 * logged and skipped, so it never changes the outcome of the mail operation.
 */
final class Listeners implements MailEvents {
    private static final Logger LOG = LoggerFactory.getLogger("org.securemail.transport");

    private final List<MailListener> listeners;

    Listeners(List<MailListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void connected(ConnectionContext ctx) {
        MailEndpoint endpoint = ctx.endpoint();
        each("connected", l -> l.connected(endpoint));
    }

    @Override
    public void delivered(ConnectionContext ctx, SmtpOutcome outcome, String messageId, boolean reused,
                          Duration connect, Duration transaction) {
        Map<InternetAddress, String> rejected = new LinkedHashMap<>();
        outcome.rejected().forEach((a, r) -> rejected.put(a, r.reply()));
        delivered(new DeliveryReport(ctx.endpoint(), outcome.accepted(), rejected, outcome.finalReply(), messageId,
                reused, connect, transaction));
    }

    void delivered(DeliveryReport report) {
        each("delivered", l -> l.delivered(report));
    }

    @Override
    public void failed(MessagingException failure) {
        if (failure instanceof MailSecurityException) {
            each("refused", l -> l.refused((MailSecurityException) failure));
        } else if (failure instanceof MailFailure) {
            each("failed", l -> l.failed((MailFailure) failure));
        }
    }

    private void each(String event, Consumer<MailListener> call) {
        for (MailListener l : listeners) {
            try {
                call.accept(l);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) { // a listener must never change the outcome of the mail operation
                LOG.warn("SecureMail listener {} threw in {}(...); the mail operation goes on unchanged: {}",
                        l.getClass().getName(), event, t.toString(), t);
            }
        }
    }
}
