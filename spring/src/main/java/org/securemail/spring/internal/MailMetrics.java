package org.securemail.spring.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.function.Supplier;
import org.securemail.core.Handshake;
import org.securemail.transport.DeliveryReport;
import org.securemail.transport.MailEndpoint;
import org.securemail.transport.MailFailure;
import org.securemail.transport.MailListener;
import org.securemail.transport.MailSecurityException;

/**
 * Records SecureMail's events in Micrometer: what share of the mail went encrypted, and how. Two meters, both tagged
 * with {@code protocol}, {@code server} (host:port), {@code mode}, {@code tls.version} and {@code cipher.suite}
 * ({@code none} for a cleartext connection or a refusal before TLS):
 * <ul>
 *   <li>{@code securemail.events} (counter), also tagged {@code event} ({@code connected}, {@code delivered},
 *       {@code refused}, {@code failed}) and {@code reason} (the refusal's reason, the failure's type, or
 *       {@code none});</li>
 *   <li>{@code securemail.deliveries} (timer): each message the server accepted, timed from MAIL FROM to the reply
 *       to the final dot.</li>
 * </ul>
 */
public final class MailMetrics implements MailListener {
    /** The counter of events. */
    public static final String EVENTS = "securemail.events";
    /** The timer of accepted messages. */
    public static final String DELIVERIES = "securemail.deliveries";
    private static final String NONE = "none";

    private final Supplier<MeterRegistry> lookup;
    private volatile MeterRegistry found;

    /**
     * Creates the listener.
     *
     * @param registry supplies the registry, asked for until it gives one (null: nothing is recorded yet)
     */
    public MailMetrics(Supplier<MeterRegistry> registry) {
        this.lookup = registry;
    }

    private MeterRegistry registry() {
        MeterRegistry r = found;
        if (r == null) {
            r = lookup.get();
            found = r;
        }
        return r;
    }

    private static Tags tags(MailEndpoint e) {
        Handshake h = e.handshake().orElse(null);
        return Tags.of("protocol", e.protocol().name(), "server", e.host() + ":" + e.port(), "mode", e.mode().name(),
                "tls.version", h == null ? NONE : h.tlsVersion().protocolName(),
                "cipher.suite", h == null ? NONE : h.cipherSuite().name());
    }

    private void count(MailEndpoint endpoint, String event, String reason) {
        MeterRegistry r = registry();
        if (r != null) {
            Counter.builder(EVENTS).description("SecureMail connections, deliveries, refusals and failures")
                    .tags(tags(endpoint)).tag("event", event).tag("reason", reason).register(r).increment();
        }
    }

    @Override
    public void connected(MailEndpoint endpoint) {
        count(endpoint, "connected", NONE);
    }

    @Override
    public void delivered(DeliveryReport report) {
        count(report.endpoint(), "delivered", NONE);
        MeterRegistry r = registry();
        if (r != null) {
            Timer.builder(DELIVERIES).description("Messages the server accepted, by how the connection was protected")
                    .tags(tags(report.endpoint())).register(r).record(report.transactionDuration());
        }
    }

    @Override
    public void refused(MailSecurityException refusal) {
        count(refusal.endpoint(), "refused", refusal.reason().name());
    }

    @Override
    public void failed(MailFailure failure) {
        count(failure.endpoint(), "failed", failure.getClass().getSimpleName());
    }
}
