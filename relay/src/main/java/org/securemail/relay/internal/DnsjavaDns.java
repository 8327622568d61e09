package org.securemail.relay.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.securemail.policy.TlsaRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * {@link Dns} with dnsjava: every query goes through dnsjava's DNSSEC {@link ValidatingResolver}, which asks the
 * configured servers with the CD bit set and validates the answer itself from the trust anchors, so the answer's
 * status never depends on a resolver's AD bit.
 *
 * <p>A validated answer is {@link DnsAnswer.Status#SECURE SECURE}; one provably unsigned, or outside every trust
 * anchor, {@link DnsAnswer.Status#INSECURE INSECURE}; one whose signatures fail {@link DnsAnswer.Status#BOGUS BOGUS}
 * (with no records: nothing in it may be used). A server that answers SERVFAIL or REFUSED itself, a timeout or a
 * malformed reply is a {@link DnsLookupException}. CNAME chains are followed, at most {@value #MAX_CNAME_HOPS} links.
 * Truncated UDP answers are asked again over TCP.
 *
 * <p>Protects against forged DNS answers for signed zones (the reason DANE needs it). Does not protect an unsigned
 * zone, and trusts the trust anchors it is given.
 *
 * <p>dnsjava itself keeps a shared I/O thread for its UDP and TCP clients, and its {@code ValidatingResolver} adds the
 * anchors named by the {@code dnsjava.dnssec.trust_anchor_file} system property when it is created: this class
 * removes those again, so only the anchors given to the builder count.
 */
public final class DnsjavaDns implements Dns {

    /** The longest CNAME chain followed. */
    public static final int MAX_CNAME_HOPS = 8;
    /** The default time one server gets to answer one query. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** The default bound on one lookup, including DNSSEC key fetches, CNAME links, retries and TCP fallback. */
    public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofSeconds(20);

    private static final Logger LOG = LoggerFactory.getLogger(DnsjavaDns.class);
    private static final String ROOT_ANCHORS = "root-anchors.txt";

    private final ValidatingResolver resolver;
    private final Watcher watcher;
    private final Duration totalTimeout;
    private final String description;

    private DnsjavaDns(Builder b) {
        List<Resolver> servers = new ArrayList<>();
        for (InetSocketAddress address : b.servers) {
            SimpleResolver s = new SimpleResolver(address);
            s.setTimeout(b.timeout);
            servers.add(s);
        }
        Resolver head;
        if (servers.size() == 1) {
            head = servers.get(0);
        } else {
            ExtendedResolver extended = new ExtendedResolver(servers);
            extended.setRetries(1);
            // Its own timeout bounds the whole round over the servers (each gets b.timeout): more than their sum, with
            // slack because dnsjava's I/O thread notices expired queries only about once a second.
            extended.setTimeout(b.timeout.multipliedBy(servers.size()).plusSeconds(2));
            for (Resolver r : extended.getResolvers()) {
                r.setTimeout(b.timeout);
            }
            head = extended;
        }
        this.watcher = new Watcher(head);
        this.resolver = new ValidatingResolver(watcher);
        this.resolver.getTrustAnchors().clear();
        try (InputStream in = new ByteArrayInputStream(b.trustAnchors.getBytes(StandardCharsets.UTF_8))) {
            resolver.loadTrustAnchors(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("DNSSEC trust anchors must be DS or DNSKEY records in zone file format: "
                    + e.getMessage(), e);
        }
        if (resolver.getTrustAnchors().items().isEmpty()) {
            throw new IllegalArgumentException("DNSSEC trust anchors must hold at least one DS or DNSKEY record: "
                    + "none found in the text given");
        }
        this.totalTimeout = b.totalTimeout;
        this.description = "DnsjavaDns{servers=" + b.servers + ", timeout=" + b.timeout + ", totalTimeout="
                + b.totalTimeout + ", anchors=" + resolver.getTrustAnchors().items().size() + " RRsets}";
    }

    /**
     * Returns a builder; {@link Builder#servers servers} must be set, the trust anchors default to the root zone's.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a resolver that asks the system's DNS servers (as dnsjava's {@link ResolverConfig} finds them:
     * /etc/resolv.conf and the platform's equivalents), validating from the root zone's trust anchors.
     *
     * @return the resolver
     * @throws IllegalStateException when no DNS server is configured on this system
     */
    public static DnsjavaDns system() {
        List<InetSocketAddress> servers = ResolverConfig.getCurrentConfig().servers();
        if (servers.isEmpty()) {
            throw new IllegalStateException("system DNS configuration must name a DNS server: none found; give the "
                    + "servers with DnsjavaDns.builder().servers(...)");
        }
        return builder().servers(servers.toArray(new InetSocketAddress[0])).build();
    }

    /**
     * Returns the root zone's DNSSEC trust anchors shipped with SecureMail (IANA's KSK-2017 and KSK-2024, as DS
     * records in zone file format).
     *
     * @return the anchors' text
     */
    public static String rootTrustAnchors() {
        try (InputStream in = DnsjavaDns.class.getResourceAsStream(ROOT_ANCHORS)) {
            if (in == null) {
                throw new IllegalStateException("resource " + ROOT_ANCHORS + " missing from the relay jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ROOT_ANCHORS + " from the relay jar", e);
        }
    }

    @Override
    public DnsAnswer<MxRecord> mx(String domain) throws DnsLookupException {
        return lookup(domain, Type.MX, r -> {
            Name target = ((MXRecord) r).getTarget();
            return new MxRecord(((MXRecord) r).getPriority(), text(target));
        });
    }

    @Override
    public DnsAnswer<InetAddress> addresses(String host) throws DnsLookupException {
        DnsAnswer<InetAddress> v6 = lookup(host, Type.AAAA, r -> ((AAAARecord) r).getAddress());
        DnsAnswer<InetAddress> v4 = lookup(host, Type.A, r -> ((ARecord) r).getAddress());
        List<InetAddress> all = new ArrayList<>(v6.records());
        all.addAll(v4.records());
        String canonical = v6.records().isEmpty() ? v4.canonicalName() : v6.canonicalName();
        return DnsAnswer.of(all, v6.nameExists() || v4.nameExists(), weaker(v6.status(), v4.status()), canonical);
    }

    @Override
    public DnsAnswer<String> txt(String name) throws DnsLookupException {
        return lookup(name, Type.TXT, r -> {
            StringBuilder s = new StringBuilder();
            for (byte[] part : ((TXTRecord) r).getStringsAsByteArrays()) {
                s.append(new String(part, StandardCharsets.UTF_8));
            }
            return s.toString();
        });
    }

    @Override
    public DnsAnswer<TlsaRecord> tlsa(String name) throws DnsLookupException {
        return lookup(name, Type.TLSA, r -> {
            TLSARecord t = (TLSARecord) r;
            return TlsaRecord.of(t.getCertificateUsage(), t.getSelector(), t.getMatchingType(),
                    t.getCertificateAssociationData());
        });
    }

    private <T> DnsAnswer<T> lookup(String name, int type, Function<Record, T> convert) throws DnsLookupException {
        Name current = toName(name);
        DnsAnswer.Status status = DnsAnswer.Status.SECURE;
        int links = 0;
        while (true) {
            Message response = send(name, current, type);
            if (response.getRcode() == Rcode.SERVFAIL) {
                LOG.debug("DNSSEC validation failed for {} {}: {}", current, Type.string(type), reason(response));
                return DnsAnswer.of(List.of(), true, DnsAnswer.Status.BOGUS, text(current));
            }
            status = weaker(status, response.getHeader().getFlag(Flags.AD)
                    ? DnsAnswer.Status.SECURE : DnsAnswer.Status.INSECURE);
            List<Record> answer = response.getSection(Section.ANSWER);
            // Follow the chain inside this answer as far as it goes.
            while (true) {
                List<T> records = new ArrayList<>();
                Name cname = null;
                for (Record r : answer) {
                    if (!r.getName().equals(current) || r.getDClass() != DClass.IN) {
                        continue;
                    }
                    if (r.getType() == type) {
                        records.add(convert.apply(r));
                    } else if (r.getType() == Type.CNAME) {
                        cname = ((CNAMERecord) r).getTarget();
                    }
                }
                if (!records.isEmpty()) {
                    return DnsAnswer.of(records, true, status, text(current));
                }
                if (cname == null) {
                    break;
                }
                if (++links > MAX_CNAME_HOPS) {
                    throw new DnsLookupException(describe(name, type) + " must end within " + MAX_CNAME_HOPS
                            + " CNAME links: it did not (a loop or an overlong chain at " + text(current) + ")", null);
                }
                current = cname;
            }
            if (current.equals(response.getQuestion().getName())) {
                // The answer is about the name itself: NODATA or NXDOMAIN.
                return DnsAnswer.of(List.of(), response.getRcode() != Rcode.NXDOMAIN, status, text(current));
            }
            // The chain leaves this answer: ask for its target.
        }
    }

    private Message send(String name, Name qname, int type) throws DnsLookupException {
        Message query = Message.newQuery(Record.newRecord(qname, type, DClass.IN));
        Watcher.Upstream upstream = watcher.watch(query);
        try {
            Message response = resolver.sendAsync(query).toCompletableFuture()
                    .get(totalTimeout.toMillis(), TimeUnit.MILLISECONDS);
            int rcode = upstream.rcode;
            if (rcode != -1 && rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                throw new DnsLookupException(describe(name, type) + " must get an answer: the DNS server answered "
                        + Rcode.string(rcode) + " for " + text(qname) + "; try again later or check the DNS server",
                        null);
            }
            if (response.getRcode() != Rcode.NOERROR && response.getRcode() != Rcode.NXDOMAIN
                    && response.getRcode() != Rcode.SERVFAIL) {
                throw new DnsLookupException(describe(name, type) + " must get an answer: the resolver answered "
                        + Rcode.string(response.getRcode()), null);
            }
            if (response.getRcode() == Rcode.SERVFAIL && rcode == -1) {
                throw new DnsLookupException(describe(name, type) + " must get an answer: no reply to the query"
                        + " itself; try again later", null);
            }
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DnsLookupException(describe(name, type) + " was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new DnsLookupException(describe(name, type) + " must get an answer: " + cause
                    + "; try again later or check the DNS server", cause);
        } catch (TimeoutException e) {
            throw new DnsLookupException(describe(name, type) + " must complete within " + totalTimeout
                    + ": it did not; try again later or check the DNS server", e);
        } finally {
            watcher.forget(query);
        }
    }

    private static String reason(Message response) {
        for (Record r : response.getSection(Section.ADDITIONAL)) {
            if (r.getType() == Type.TXT && r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS) {
                return String.join("", ((TXTRecord) r).getStrings());
            }
        }
        return "no reason given";
    }

    private static String describe(String name, int type) {
        return "DNS lookup of " + name + " " + Type.string(type);
    }

    private static Name toName(String name) {
        Objects.requireNonNull(name, "name");
        String ascii;
        try {
            ascii = IDN.toASCII(name.endsWith(".") ? name.substring(0, name.length() - 1) : name,
                    0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("DNS name must be a valid domain name: " + name, e);
        }
        if (ascii.isEmpty()) {
            throw new IllegalArgumentException("DNS name must not be empty or the root: '" + name + "'");
        }
        try {
            return Name.fromString(ascii.toLowerCase(Locale.ROOT) + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("DNS name must be a valid domain name: " + name + " (" + e.getMessage()
                    + ")", e);
        }
    }

    private static String text(Name name) {
        if (name.equals(Name.root)) {
            return "";
        }
        return name.toString(true).toLowerCase(Locale.ROOT);
    }

    static DnsAnswer.Status weaker(DnsAnswer.Status a, DnsAnswer.Status b) {
        if (a == DnsAnswer.Status.BOGUS || b == DnsAnswer.Status.BOGUS) {
            return DnsAnswer.Status.BOGUS;
        }
        if (a == DnsAnswer.Status.INSECURE || b == DnsAnswer.Status.INSECURE) {
            return DnsAnswer.Status.INSECURE;
        }
        return DnsAnswer.Status.SECURE;
    }

    @Override
    public String toString() {
        return description;
    }

    /**
     * Builds a {@link DnsjavaDns}. Setters validate at once; the last call wins.
     */
    public static final class Builder {
        private List<InetSocketAddress> servers = List.of();
        private String trustAnchors = rootTrustAnchors();
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration totalTimeout = DEFAULT_TOTAL_TIMEOUT;

        private Builder() {
        }

        /**
         * Sets the DNS servers asked, in order (the next one is asked when one does not answer in time).
         *
         * @param servers one or more addresses with ports; resolved addresses only
         * @return this builder
         * @throws IllegalArgumentException when none is given or one is unresolved
         */
        public Builder servers(InetSocketAddress... servers) {
            Objects.requireNonNull(servers, "servers");
            if (servers.length == 0) {
                throw new IllegalArgumentException("DNS servers must name at least one server: none given");
            }
            for (InetSocketAddress s : servers) {
                Objects.requireNonNull(s, "servers[]");
                if (s.isUnresolved()) {
                    throw new IllegalArgumentException("DNS server must be an IP address: " + s + " is unresolved");
                }
            }
            this.servers = List.of(servers);
            return this;
        }

        /**
         * Replaces the DNSSEC trust anchors (by default the root zone's, {@link #rootTrustAnchors()}).
         *
         * @param anchors DS or DNSKEY records in zone file format, absolute owner names
         * @return this builder
         * @throws IllegalArgumentException when the text is blank
         */
        public Builder trustAnchors(String anchors) {
            Objects.requireNonNull(anchors, "anchors");
            if (anchors.isBlank()) {
                throw new IllegalArgumentException("DNSSEC trust anchors must not be blank");
            }
            this.trustAnchors = anchors;
            return this;
        }

        /**
         * Sets how long one server gets to answer one query (default {@link #DEFAULT_TIMEOUT}).
         *
         * @param timeout positive, at most a minute
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder timeout(Duration timeout) {
            this.timeout = checkDuration(timeout, "timeout");
            return this;
        }

        /**
         * Sets the bound on one lookup as a whole, including key fetches and retries (default
         * {@link #DEFAULT_TOTAL_TIMEOUT}).
         *
         * @param totalTimeout positive, at most a minute
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder totalTimeout(Duration totalTimeout) {
            this.totalTimeout = checkDuration(totalTimeout, "totalTimeout");
            return this;
        }

        private static Duration checkDuration(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("DNS " + what + " must be positive and at most 1 minute: " + d);
            }
            return d;
        }

        /**
         * Builds the resolver.
         *
         * @return the resolver
         * @throws IllegalStateException when no servers were set
         * @throws IllegalArgumentException when the trust anchors cannot be parsed or hold no DS/DNSKEY record
         */
        public DnsjavaDns build() {
            if (servers.isEmpty()) {
                throw new IllegalStateException("DNS servers must be set: call servers(...) or use DnsjavaDns.system()");
            }
            return new DnsjavaDns(this);
        }
    }

    /**
     * The head resolver under the validator: remembers the server's own rcode for the queries being looked up, so
     * that a SERVFAIL from the server (a lookup failure) is told apart from one the validator made (a bogus answer).
     */
    private static final class Watcher implements Resolver {
        private final Resolver delegate;
        private final Map<Integer, Upstream> watched = new ConcurrentHashMap<>();

        Watcher(Resolver delegate) {
            this.delegate = delegate;
        }

        static final class Upstream {
            final Record question;
            volatile int rcode = -1;

            Upstream(Record question) {
                this.question = question;
            }
        }

        Upstream watch(Message query) {
            Upstream u = new Upstream(query.getQuestion());
            watched.put(query.getHeader().getID(), u);
            return u;
        }

        void forget(Message query) {
            watched.remove(query.getHeader().getID());
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query, Executor executor) {
            Upstream u = watched.get(query.getHeader().getID());
            return delegate.sendAsync(query, executor).thenApply(response -> {
                if (u != null && u.question.equals(query.getQuestion())) {
                    u.rcode = response.getRcode();
                }
                return response;
            });
        }

        @Override
        public void setPort(int port) {
            delegate.setPort(port);
        }

        @Override
        public void setTCP(boolean flag) {
            delegate.setTCP(flag);
        }

        @Override
        public void setIgnoreTruncation(boolean flag) {
            delegate.setIgnoreTruncation(flag);
        }

        @Override
        public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
            delegate.setEDNS(version, payloadSize, flags, options);
        }

        @Override
        public void setTSIGKey(TSIG key) {
            delegate.setTSIGKey(key);
        }

        @Override
        public void setTimeout(Duration timeout) {
            delegate.setTimeout(timeout);
        }

        @Override
        public Duration getTimeout() {
            return delegate.getTimeout();
        }
    }
}
