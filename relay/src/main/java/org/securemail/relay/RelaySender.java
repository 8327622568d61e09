package org.securemail.relay;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.IDN;
import java.net.URI;
import java.util.Arrays;
import java.util.Collection;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.securemail.core.TlsEngine;
import org.securemail.policy.TlsPolicy;
import org.securemail.relay.internal.Dns;
import org.securemail.relay.internal.DnsjavaDns;
import org.securemail.relay.internal.MtaStsHttpsSource;
import org.securemail.relay.internal.MtaStsResolver;
import org.securemail.relay.internal.TlsRptRecord;
import org.securemail.transport.DeliveryOption;
import org.securemail.transport.InvalidMessageException;
import org.securemail.transport.MailListener;
import org.securemail.transport.Timeouts;

/**
 * Delivers messages straight to each recipient domain's MX hosts (RFC 5321 §5) with the strongest TLS the domain asks
 * for: DANE (RFC 7672) where the MX host's TLSA records are DNSSEC-signed, MTA-STS (RFC 8461) where the domain
 * publishes a policy, opportunistic TLS (RFC 7435) otherwise. It never sends credentials. This is the module's
 * {@code SecureMail.relay(...)}: it lives in {@code securemail-relay} because it brings a DNS resolver that
 * applications sending through a submission server do not need.
 *
 * <pre>{@code
 * try (RelaySender relay = RelaySender.builder().heloName("notify.example.org").build()) {
 *     RelayReport report = relay.send(message);
 *     for (DomainDelivery d : report.domains()) {
 *         log.info("{}", d);   // example.com: delivered to mx1.example.com [192.0.2.1] under DANE (TLSv1.3, ...)
 *     }
 * }
 * }</pre>
 *
 * <p>For each domain, the MX hosts are tried in preference order (equal preferences shuffled), each host's addresses
 * in turn, until one accepts. Per host: if its TLSA records are DNSSEC-signed and usable, TLS is required and the
 * certificate must match them (DANE takes precedence over MTA-STS, RFC 8461 §2); else, under an MTA-STS policy in
 * enforce mode, the host must match the policy and present a certificate valid for its name under the policy's CAs;
 * in testing mode a failure is reported and the message delivered anyway; without a policy, TLS is used when offered,
 * unauthenticated. A message sent with {@link DeliveryOption#REQUIRE_TLS} goes only to an MX that passes DANE or
 * MTA-STS enforce and offers REQUIRETLS (RFC 8689); one with the header {@code TLS-Required: No} is delivered even
 * where the policy fails (reported all the same). Every session is counted in {@link #tlsReports()} for RFC 8460
 * reports. docs/relaying-to-mx.md says when to relay directly and how to read the report.
 *
 * <p>Thread-safe; close it when done.
 */
public final class RelaySender implements AutoCloseable {
    private final MxDelivery delivery;
    private final TlsReportAggregator reports;
    private final Dns dns;

    private RelaySender(Builder b) {
        this.dns = b.dns != null ? b.dns : b.dnsServers != null
                ? DnsjavaDns.builder().servers(b.dnsServers).trustAnchors(b.trustAnchors).build()
                : DnsjavaDns.system();
        TlsEngine engine = b.engine != null ? b.engine : TlsEngine.shared();
        this.reports = b.reports != null ? b.reports : TlsReportAggregator.create();
        MtaStsResolver sts = new MtaStsResolver(dns, MtaStsHttpsSource.create(engine, b.policy,
                MtaStsHttpsSource.lookupThrough(dns), b.mtaStsPort, MtaStsHttpsSource.DEFAULT_DEADLINE), b.stsCache,
                Clock.systemUTC());
        this.delivery = new MxDelivery(dns, sts, reports, engine, b.policy, b.port, b.heloName, b.timeouts,
                List.copyOf(b.listeners));
    }

    /**
     * Starts building a relay.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Delivers a message to all its recipients (To, Cc and Bcc), each domain's share to that domain's MX. Never throws
     * for one domain's failure: the report says, per domain, what happened.
     *
     * @param message the message
     * @param options {@link DeliveryOption#REQUIRE_TLS} for RFC 8689's REQUIRETLS
     * @return the report, one entry per recipient domain
     * @throws NullPointerException if an argument is null
     * @throws InvalidMessageException if the message has no recipient or one without a domain; nothing was sent
     * @throws MessagingException if the message cannot be read
     */
    public RelayReport send(MimeMessage message, DeliveryOption... options) throws MessagingException {
        Objects.requireNonNull(message, "message");
        message.saveChanges();
        Address[] all = message.getAllRecipients();
        return send(message, all == null ? List.of() : Arrays.asList(all), options);
    }

    /**
     * Delivers a message to the given envelope recipients only, each domain's share to that domain's MX; the
     * message's headers are sent as they are. For resending to the domains that failed: the message keeps its
     * Message-ID, as it is not saved again ({@code saveChanges()} is the caller's, or Jakarta Mail's when the message
     * was never saved).
     *
     * @param message the message
     * @param recipients the envelope recipients
     * @param options {@link DeliveryOption#REQUIRE_TLS} for RFC 8689's REQUIRETLS
     * @return the report, one entry per recipient domain
     * @throws NullPointerException if an argument or element is null
     * @throws InvalidMessageException if there is no recipient or one without a domain; nothing was sent
     * @throws MessagingException if the message cannot be read
     */
    public RelayReport send(MimeMessage message, Collection<? extends Address> recipients, DeliveryOption... options)
            throws MessagingException {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(recipients, "recipients");
        for (DeliveryOption o : Objects.requireNonNull(options, "options")) {
            Objects.requireNonNull(o, "option");
        }
        Address[] all = recipients.toArray(new Address[0]);
        if (all.length == 0) {
            throw new InvalidMessageException("message has no recipient: add To, Cc or Bcc addresses");
        }
        Map<String, List<InternetAddress>> byDomain = new LinkedHashMap<>();
        for (Address a : all) {
            Objects.requireNonNull(a, "recipient");
            if (!(a instanceof InternetAddress)) {
                throw new InvalidMessageException("recipient " + a + " is not an Internet mail address");
            }
            InternetAddress ia = (InternetAddress) a;
            byDomain.computeIfAbsent(domainOf(ia), d -> new ArrayList<>()).add(ia);
        }
        List<DomainDelivery> results = new ArrayList<>();
        for (Map.Entry<String, List<InternetAddress>> e : byDomain.entrySet()) {
            results.add(delivery.deliver(message, e.getKey(), e.getValue(), options));
        }
        return new RelayReport(results);
    }

    /**
     * Probes a recipient domain without sending mail: resolves its MX hosts and its MTA-STS policy as a delivery does,
     * decides each host's policy as a delivery does (DANE, MTA-STS enforce or testing, opportunistic, or passed over),
     * and connects to each host under it: EHLO, STARTTLS, the TLS handshake, EHLO again, then QUIT. No MAIL command is
     * ever sent. A probe is no delivery session: nothing goes into {@link #tlsReports()} and the listeners hear
     * nothing. An MTA-STS policy it fetches is cached as a delivery's would be.
     *
     * <pre>{@code
     * System.out.println(relay.probe("example.com"));
     * }</pre>
     *
     * @param domain the recipient domain (Unicode or A-label, any case, an optional trailing dot)
     * @return what was found; never throws for what DNS, the policy host or an MX does
     * @throws NullPointerException if {@code domain} is null
     * @throws IllegalArgumentException if {@code domain} is not a valid host name
     */
    public DomainProbe probe(String domain) {
        Objects.requireNonNull(domain, "domain");
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        if (d.isEmpty() || d.startsWith("[")) {
            throw new IllegalArgumentException("domain must be a host name: \"" + domain + "\"");
        }
        String ascii;
        try {
            ascii = IDN.toASCII(d, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("domain must be a valid host name: \"" + domain + "\": "
                    + e.getMessage(), e);
        }
        return delivery.probe(ascii);
    }

    static String domainOf(InternetAddress a) throws InvalidMessageException {
        String address = a.getAddress();
        int at = address == null ? -1 : address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            throw new InvalidMessageException("recipient " + address + " has no domain: a relay delivers to the MX of"
                    + " the domain after \"@\"");
        }
        String domain = address.substring(at + 1);
        if (domain.chars().anyMatch(c -> c == 0xDF || c == 0x3C2 || c == 0x200C || c == 0x200D)) {
            // IDNA2003 (java.net.IDN) maps these four "deviation" characters away; IDNA2008 keeps them, so the two
            // name different domains (straße.de is not strasse.de). Only the caller can say which was meant.
            throw new InvalidMessageException("recipient " + address + " has a domain with ß, final sigma or a"
                    + " zero-width joiner, which IDNA2003 and IDNA2008 turn into different domains; give the domain"
                    + " in its A-label form (xn--...)");
        }
        if (domain.startsWith("[")) {
            throw new InvalidMessageException("recipient " + address + " names an address literal: a relay delivers"
                    + " only to domains, whose MX and TLS policy it can look up");
        }
        try {
            return IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException("recipient " + address + " has a domain that is not a valid host name: "
                    + e.getMessage());
        }
    }

    /**
     * Looks up where a domain wants its TLS reports (RFC 8460 §3): the {@code rua} URIs ({@code mailto:} or
     * {@code https:}) of its {@code _smtp._tls} TXT record.
     *
     * @param domain the policy domain, as in {@link TlsReport#policyDomain()}
     * @return the URIs; empty when the domain has no record, several, an invalid one, or a DNSSEC-bogus answer
     * @throws NullPointerException if {@code domain} is null
     * @throws IOException if the lookup got no answer (a timeout, SERVFAIL); ask again later
     */
    public List<URI> tlsReportAddresses(String domain) throws IOException {
        Objects.requireNonNull(domain, "domain");
        return TlsRptRecord.lookup(dns, domain).map(TlsRptRecord::ruas).orElse(List.of());
    }

    /**
     * Returns the TLS report aggregator every session of this relay is counted in (RFC 8460): take the finished days'
     * reports with {@link TlsReportAggregator#takeReportsBefore(java.time.LocalDate)} and send each to the addresses
     * in its domain's {@code _smtp._tls} TXT record.
     *
     * @return the aggregator
     */
    public TlsReportAggregator tlsReports() {
        return reports;
    }

    /** Closes the relay; connections are opened per delivery, so there is nothing left open. */
    @Override
    public void close() {
        // Each delivery closes its own connections.
    }

    @Override
    public String toString() {
        return "RelaySender{" + delivery + "}";
    }

    /** Builds a {@link RelaySender}; setters check their argument at once, the last call wins. */
    public static final class Builder {
        private InetSocketAddress[] dnsServers;
        private String trustAnchors = DnsjavaDns.rootTrustAnchors();
        private Dns dns;
        private TlsPolicy policy = TlsPolicy.MODERN;
        private TlsEngine engine;
        private MtaStsPolicyCache stsCache = MtaStsPolicyCache.inMemory();
        private TlsReportAggregator reports;
        private Timeouts timeouts = Timeouts.DEFAULT;
        private String heloName;
        private int port = 25;
        private int mtaStsPort = 443;
        private final List<MailListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets the DNS servers to ask (recursive resolvers that pass DNSSEC records through); by default the
         * system's. The answers are validated here, against the trust anchors, whatever the servers say.
         *
         * @param servers one or more resolver addresses
         * @return this builder
         * @throws NullPointerException if {@code servers} or an element is null
         * @throws IllegalArgumentException if none is given or one is unresolved
         */
        public Builder dnsServers(InetSocketAddress... servers) {
            Objects.requireNonNull(servers, "servers");
            DnsjavaDns.builder().servers(servers);
            this.dnsServers = servers.clone();
            return this;
        }

        /**
         * Replaces the DNSSEC trust anchors (by default the IANA root's key-signing keys) with DS or DNSKEY records in
         * zone-file form: for a private DNS tree, or a test's signed zones.
         *
         * @param anchors the anchors, one record per line
         * @return this builder
         * @throws NullPointerException if {@code anchors} is null
         * @throws IllegalArgumentException if blank
         */
        public Builder dnssecTrustAnchors(String anchors) {
            DnsjavaDns.builder().trustAnchors(anchors);
            this.trustAnchors = anchors;
            return this;
        }

        /**
         * Sets the TLS policy: its versions, suites, groups and key sizes hold for every MX connection, DANE ones
         * included, and its trust source authenticates MX hosts and policy hosts under MTA-STS (the system's CAs in
         * {@link TlsPolicy#MODERN}, the default). Under DANE the TLSA records replace the trust source.
         *
         * @param policy the policy
         * @return this builder
         * @throws NullPointerException if {@code policy} is null
         */
        public Builder policy(TlsPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Uses a TLS engine other than {@link TlsEngine#shared()}.
         *
         * @param engine the engine
         * @return this builder
         * @throws NullPointerException if {@code engine} is null
         */
        public Builder tlsEngine(TlsEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /**
         * Sets where MTA-STS policies are cached (RFC 8461 §5.1); by default in memory, lost when the process ends.
         * Give a persistent one so that a restart does not open a window in which a policy can be stripped.
         *
         * @param cache the cache
         * @return this builder
         * @throws NullPointerException if {@code cache} is null
         */
        public Builder mtaStsCache(MtaStsPolicyCache cache) {
            this.stsCache = Objects.requireNonNull(cache, "cache");
            return this;
        }

        /**
         * Sets the TLS report aggregator sessions are counted in; by default one of the relay's own.
         *
         * @param reports the aggregator
         * @return this builder
         * @throws NullPointerException if {@code reports} is null
         */
        public Builder tlsReports(TlsReportAggregator reports) {
            this.reports = Objects.requireNonNull(reports, "reports");
            return this;
        }

        /**
         * Sets the timeouts of each MX connection; {@link Timeouts#DEFAULT} by default.
         *
         * @param timeouts the timeouts
         * @return this builder
         * @throws NullPointerException if {@code timeouts} is null
         */
        public Builder timeouts(Timeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
            return this;
        }

        /**
         * Sets the name sent in EHLO; MX hosts often check that it resolves to the connecting address. By default
         * the address literal of this end of each connection.
         *
         * @param heloName a fully qualified host name
         * @return this builder
         * @throws NullPointerException if {@code heloName} is null
         * @throws IllegalArgumentException if empty or holding spaces or control characters
         */
        public Builder heloName(String heloName) {
            Objects.requireNonNull(heloName, "heloName");
            if (heloName.isEmpty() || heloName.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                throw new IllegalArgumentException("heloName must be a host name without spaces or control"
                        + " characters: \"" + heloName + "\"");
            }
            this.heloName = heloName;
            return this;
        }

        /**
         * Adds a listener that hears every MX connection, delivery, refusal and failure.
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if {@code listener} is null
         */
        public Builder listener(MailListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Sets the SMTP port of MX hosts; 25, as RFC 5321 says, unless a test server listens elsewhere.
         *
         * @param port 1 to 65535
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder smtpPort(int port) {
            this.port = checkPort(port);
            return this;
        }

        /**
         * Sets the HTTPS port of MTA-STS policy hosts; 443, as RFC 8461 says, unless a test server listens elsewhere.
         *
         * @param port 1 to 65535
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder mtaStsPort(int port) {
            this.mtaStsPort = checkPort(port);
            return this;
        }

        private static int checkPort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be between 1 and 65535: " + port);
            }
            return port;
        }

        /** Sets the DNS implementation itself, for this module's tests. */
        Builder dns(Dns dns) {
            this.dns = Objects.requireNonNull(dns, "dns");
            return this;
        }

        /**
         * Builds the relay.
         *
         * @return the relay
         */
        public RelaySender build() {
            return new RelaySender(this);
        }
    }
}
