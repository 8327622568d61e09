package org.securemail.relay;

import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.securemail.core.TlsEngine;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsaRecord;
import org.securemail.policy.TrustSource;
import org.securemail.relay.internal.Dns;
import org.securemail.relay.internal.DnsAnswer;
import org.securemail.relay.internal.DnsLookupException;
import org.securemail.relay.internal.MtaStsResolution;
import org.securemail.relay.internal.MtaStsResolver;
import org.securemail.relay.internal.MxHost;
import org.securemail.relay.internal.MxHosts;
import org.securemail.relay.internal.MxResolution;
import org.securemail.relay.internal.MxResolutionException;
import org.securemail.relay.internal.TlsRptMapping;
import org.securemail.transport.AmbiguousDeliveryException;
import org.securemail.transport.DeliveryOption;
import org.securemail.transport.DeliveryReport;
import org.securemail.transport.InvalidMessageException;
import org.securemail.transport.MailEndpoint;
import org.securemail.transport.MailFailure;
import org.securemail.transport.MailListener;
import org.securemail.transport.MailSecurityException;
import org.securemail.transport.PermanentDeliveryException;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;
import org.securemail.transport.Timeouts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One recipient domain's delivery: its MX hosts in order, and for each the policy that applies (DANE, MTA-STS or
 * opportunistic), the connection under it, and what goes into the TLS report.
 */
final class MxDelivery {
    private static final Logger LOG = LoggerFactory.getLogger("org.securemail.relay");
    /** Addresses tried per MX host: enough for one IPv6 and one IPv4 address. */
    static final int ADDRESSES_PER_HOST = 2;
    /**
     * Where an MX host's TLSA records are (RFC 7672 §2.2.1): always port 25, the port MX delivery uses; a relay set to
     * another port for tests still looks them up here.
     */
    static final String TLSA_PREFIX = "_25._tcp.";

    private final Dns dns;
    private final MtaStsResolver sts;
    private final TlsReportAggregator reports;
    private final TlsEngine engine;
    private final TlsPolicy policy;
    private final int port;
    private final String heloName;
    private final Timeouts timeouts;
    private final List<MailListener> listeners;

    MxDelivery(Dns dns, MtaStsResolver sts, TlsReportAggregator reports, TlsEngine engine, TlsPolicy policy, int port,
               String heloName, Timeouts timeouts, List<MailListener> listeners) {
        this.dns = dns;
        this.sts = sts;
        this.reports = reports;
        this.engine = engine;
        this.policy = policy;
        this.port = port;
        this.heloName = heloName;
        this.timeouts = timeouts;
        this.listeners = listeners;
    }

    /** What applies to one MX host: decided once, by {@link #policyFor}, for deliveries and probes alike. */
    static final class HostPolicy {
        final MxSecurity security;
        final TlsPolicy tls;
        final SecurityMode mode;
        final String connectName;
        final TlsReportPolicy reportPolicy;
        /** Under DANE: the usable TLSA records and where they were found; otherwise empty and null. */
        final List<TlsaRecord> tlsa;
        final String tlsaName;
        /** True when policyFor already counted this session as a failure in the TLS report. */
        final boolean counted;
        /** Why the policy was set aside for this host (TLS-Required: No, testing mode), or null. */
        final String note;

        HostPolicy(MxSecurity security, TlsPolicy tls, SecurityMode mode, String connectName,
                   TlsReportPolicy reportPolicy) {
            this(security, tls, mode, connectName, reportPolicy, List.of(), null, false, null);
        }

        HostPolicy(MxSecurity security, TlsPolicy tls, SecurityMode mode, String connectName,
                   TlsReportPolicy reportPolicy, List<TlsaRecord> tlsa, String tlsaName) {
            this(security, tls, mode, connectName, reportPolicy, tlsa, tlsaName, false, null);
        }

        HostPolicy(MxSecurity security, TlsPolicy tls, SecurityMode mode, String connectName,
                   TlsReportPolicy reportPolicy, List<TlsaRecord> tlsa, String tlsaName, boolean counted, String note) {
            this.security = security;
            this.tls = tls;
            this.mode = mode;
            this.connectName = connectName;
            this.reportPolicy = reportPolicy;
            this.tlsa = List.copyOf(tlsa);
            this.tlsaName = tlsaName;
            this.counted = counted;
            this.note = note;
        }
    }

    /** A reason not to use an MX host at all, for the attempts list. */
    static final class Skip extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean temporary;

        Skip(String message, boolean temporary) {
            super(message, null, false, false);
            this.temporary = temporary;
        }
    }

    DomainDelivery deliver(MimeMessage message, String domain, List<InternetAddress> recipients,
                           DeliveryOption... options) {
        boolean requireTls = Arrays.asList(options).contains(DeliveryOption.REQUIRE_TLS);
        // RFC 8689 §5: the header asks to ignore TLS policy failures, unless the message also requires TLS.
        boolean policyOptional = !requireTls && tlsRequiredNo(message);
        List<String> attempts = new ArrayList<>();
        MxResolution mx;
        try {
            mx = MxHosts.resolve(dns, domain);
        } catch (MxResolutionException e) {
            attempts.add("MX lookup: " + e.getMessage());
            return failed(domain, recipients, e.isPermanent(), attempts, new MessagingException(e.getMessage(), e));
        }
        attempts.addAll(mx.skipped());
        MtaStsResolution stsResolution = sts.resolve(domain);
        Optional<MtaStsPolicy> stsPolicy = stsResolution.policy();
        TlsReportPolicy stsReportPolicy = TlsRptMapping.policyOf(stsResolution);
        for (MtaStsResolution.Failure f : stsResolution.failures()) {
            attempts.add("MTA-STS: " + f.message());
            TlsRptMapping.failureOf(f).ifPresent(rf -> reports.recordFailure(stsReportPolicy, rf));
        }
        MessagingException last = null;
        // Permanent only when every host failed permanently: one that may take the message later makes it temporary.
        boolean anyTemporary = false;
        boolean anyPermanent = false;
        for (MxHost host : mx.hosts()) {
            HostPolicy hp;
            try {
                hp = policyFor(mx, host, stsPolicy, stsReportPolicy, requireTls, policyOptional,
                        reports::recordFailure);
            } catch (Skip s) {
                attempts.add(host.name() + ": " + s.getMessage());
                last = new MessagingException(host.name() + " " + s.getMessage());
                anyTemporary |= s.temporary;
                anyPermanent |= !s.temporary;
                continue;
            }
            if (hp.note != null) {
                attempts.add(host.name() + ": " + hp.note);
            }
            boolean hostPermanent = false;
            for (InetAddress address : candidates(host.addresses())) {
                String where = host.name() + " [" + address.getHostAddress() + "]";
                try {
                    DeliveryReport report = send(message, recipients, hp, address, requireTls);
                    if (!hp.counted) {
                        reports.recordSuccess(hp.reportPolicy);
                    }
                    attempts.add(where + ": delivered under " + hp.security);
                    return new DomainDelivery(domain, recipients, DomainDelivery.Status.DELIVERED, host.name(),
                            address, hp.security, report, attempts, null);
                } catch (MailSecurityException e) {
                    if (!hp.counted) {
                        reports.recordFailure(hp.reportPolicy, failure(e, host, address));
                    }
                    attempts.add(where + ": " + hp.security + " failed: " + e.getMessage());
                    last = e;
                    if (hp.mode != SecurityMode.STARTTLS_REQUIRED
                            || !(hp.security == MxSecurity.MTA_STS_TESTING || policyOptional)) {
                        continue;
                    }
                    // MTA-STS testing mode, or TLS-Required: No: reported above, delivered without the policy.
                    HostPolicy fallback = new HostPolicy(hp.security, policy, SecurityMode.STARTTLS_OPPORTUNISTIC,
                            host.name(), hp.reportPolicy);
                    try {
                        DeliveryReport report = send(message, recipients, fallback, address, false);
                        attempts.add(where + ": delivered with opportunistic TLS, the " + hp.security + " policy"
                                + (hp.security == MxSecurity.MTA_STS_TESTING ? " being in testing mode"
                                : " set aside by the message's TLS-Required: No"));
                        return new DomainDelivery(domain, recipients, DomainDelivery.Status.DELIVERED, host.name(),
                                address, hp.security == MxSecurity.MTA_STS_TESTING ? MxSecurity.MTA_STS_TESTING
                                : MxSecurity.OPPORTUNISTIC, report, attempts, null);
                    } catch (AmbiguousDeliveryException a) {
                        attempts.add(where + ": " + a.getMessage());
                        return new DomainDelivery(domain, recipients, DomainDelivery.Status.AMBIGUOUS, null, null,
                                null, null, attempts, a);
                    } catch (MessagingException again) {
                        attempts.add(where + ": opportunistic TLS failed too: " + again.getMessage());
                        last = again;
                    }
                } catch (AmbiguousDeliveryException e) {
                    countTlsSession(hp, e);
                    attempts.add(where + ": " + e.getMessage());
                    return new DomainDelivery(domain, recipients, DomainDelivery.Status.AMBIGUOUS, null, null, null,
                            null, attempts, e);
                } catch (PermanentDeliveryException e) {
                    countTlsSession(hp, e);
                    attempts.add(where + ": " + e.getMessage());
                    last = e;
                    if (e.replyCode() >= 500) {
                        // The server refused the message itself: another MX of the domain would refuse it too.
                        return failed(domain, recipients, true, attempts, e);
                    }
                    hostPermanent = true; // refused here before MAIL (REQUIRETLS unmet): the next MX may do
                    break;
                } catch (InvalidMessageException e) {
                    attempts.add(where + ": " + e.getMessage());
                    return failed(domain, recipients, true, attempts, e);
                } catch (MessagingException e) {
                    countTlsSession(hp, e);
                    attempts.add(where + ": " + e.getMessage());
                    last = e;
                }
            }
            anyTemporary |= !hostPermanent;
            anyPermanent |= hostPermanent;
        }
        return failed(domain, recipients, anyPermanent && !anyTemporary, attempts, last);
    }

    /**
     * A session whose TLS met the policy but whose mail transaction failed (a 4xx or 5xx reply, a lost connection)
     * still counts as a successful TLS session in the report (RFC 8460 §4.3 counts sessions, not deliveries).
     */
    private void countTlsSession(HostPolicy hp, MessagingException e) {
        if (!hp.counted && e instanceof MailFailure
                && ((MailFailure) e).endpoint().handshake().isPresent()) {
            reports.recordSuccess(hp.reportPolicy);
        }
    }

    /**
     * The addresses of a host to try: the first IPv6 and the first IPv4 one, so that a host with several AAAA records
     * is still tried over IPv4; at most {@link #ADDRESSES_PER_HOST}.
     */
    static List<InetAddress> candidates(List<InetAddress> addresses) {
        List<InetAddress> out = new ArrayList<>();
        addresses.stream().filter(a -> a instanceof java.net.Inet6Address).findFirst().ifPresent(out::add);
        addresses.stream().filter(a -> a instanceof java.net.Inet4Address).findFirst().ifPresent(out::add);
        for (InetAddress a : addresses) {
            if (out.size() >= ADDRESSES_PER_HOST) {
                break;
            }
            if (!out.contains(a)) {
                out.add(a);
            }
        }
        return out.subList(0, Math.min(ADDRESSES_PER_HOST, out.size()));
    }

    /**
     * Probes a domain as {@link #deliver} would deliver to it, without sending mail: the same MX resolution, MTA-STS
     * resolution and {@link #policyFor policy decision}, then per host a connection under that policy that ends with
     * QUIT after EHLO. Nothing goes into the TLS report, and the relay's listeners hear nothing: a probe is no
     * delivery session.
     */
    DomainProbe probe(String domain) {
        MxResolution mx = null;
        String mxFailure = null;
        boolean mxPermanent = false;
        try {
            mx = MxHosts.resolve(dns, domain);
        } catch (MxResolutionException e) {
            mxFailure = e.getMessage();
            mxPermanent = e.isPermanent();
        }
        MtaStsResolution stsResolution = sts.resolve(domain);
        Optional<MtaStsPolicy> stsPolicy = stsResolution.policy();
        TlsReportPolicy stsReportPolicy = TlsRptMapping.policyOf(stsResolution);
        List<String> stsFailures = new ArrayList<>();
        stsResolution.failures().forEach(f -> stsFailures.add(f.message()));
        List<MxProbe> hosts = new ArrayList<>();
        if (mx != null) {
            for (MxHost host : mx.hosts()) {
                hosts.add(probeHost(mx, host, stsPolicy, stsReportPolicy));
            }
        }
        return new DomainProbe(domain, mxFailure, mxPermanent, mx != null && mx.implicit(),
                mx == null ? null : dnssec(mx.mxStatus()), mx == null ? List.of() : mx.skipped(),
                DomainProbe.StsSource.valueOf(stsResolution.source().name()), stsPolicy.orElse(null), stsFailures,
                hosts);
    }

    private MxProbe probeHost(MxResolution mx, MxHost host, Optional<MtaStsPolicy> stsPolicy,
                              TlsReportPolicy stsReportPolicy) {
        List<String> notes = new ArrayList<>();
        HostPolicy hp;
        try {
            hp = policyFor(mx, host, stsPolicy, stsReportPolicy, false, false, (p, f) -> notes.add(f.resultType().wireName()
                    + f.failureReasonCode().map(c -> " (" + c + ")").orElse("") + " (" + p.type().wireName() + " policy of " + p.domain() + ")"));
        } catch (Skip s) {
            return new MxProbe(host.name(), host.preference(), host.addresses(), dnssec(host.addressStatus()), null,
                    null, null, List.of(), s.getMessage(), notes, List.of());
        }
        List<MxProbe.Connection> connections = new ArrayList<>();
        for (InetAddress address : candidates(host.addresses())) {
            MxProbe.Connection c = connect(hp, address);
            connections.add(c);
            if (c.outcome() == MxProbe.Outcome.CONNECTED) {
                break; // as a delivery: the next address only when this one failed
            }
        }
        if (hp.security == MxSecurity.MTA_STS_TESTING && hp.mode == SecurityMode.STARTTLS_REQUIRED
                && connections.stream().anyMatch(c -> c.outcome() == MxProbe.Outcome.REFUSED)) {
            notes.add("MTA-STS testing mode: a delivery would report the refusal and go ahead with opportunistic TLS");
        }
        return new MxProbe(host.name(), host.preference(), host.addresses(), dnssec(host.addressStatus()),
                hp.security, hp.mode, hp.tlsaName, hp.tlsa, null, notes, connections);
    }

    /** Connects under the host's policy, reads the EHLO reply, and quits: no MAIL command is ever sent. */
    private MxProbe.Connection connect(HostPolicy hp, InetAddress address) {
        AtomicReference<MailEndpoint> connected = new AtomicReference<>();
        SmtpSender.Builder b = SecureMail.smtp(hp.connectName).port(port).mode(hp.mode).policy(hp.tls)
                .tlsEngine(engine).timeouts(timeouts).connectTo(address).listener(new MailListener() {
                    @Override
                    public void connected(MailEndpoint endpoint) {
                        connected.set(endpoint);
                    }
                });
        if (heloName != null) {
            b.heloName(heloName);
        }
        Transport transport = null;
        try {
            transport = b.buildSession().getTransport("smtp");
            transport.connect();
            List<String> ehlo = transport instanceof SMTPTransport
                    ? ehloKeywords(((SMTPTransport) transport).getLastServerResponse()) : List.of();
            MailEndpoint endpoint = connected.get();
            return new MxProbe.Connection(address, MxProbe.Outcome.CONNECTED,
                    endpoint == null ? null : endpoint.handshake().orElse(null), ehlo, null);
        } catch (MailSecurityException e) {
            return new MxProbe.Connection(address, MxProbe.Outcome.REFUSED, e.endpoint().handshake().orElse(null),
                    e.serverCapabilities(), e);
        } catch (MessagingException e) {
            return new MxProbe.Connection(address, MxProbe.Outcome.FAILED, null, List.of(), e);
        } finally {
            if (transport != null) {
                try {
                    transport.close(); // QUIT
                } catch (MessagingException e) {
                    LOG.debug("relay probe: closing the connection to {} [{}] failed: {}", hp.connectName,
                            address.getHostAddress(), e.getMessage());
                }
            }
        }
    }

    /** The keywords of an EHLO reply, with their parameters: every line after the first, without its code. */
    static List<String> ehloKeywords(String reply) {
        List<String> keywords = new ArrayList<>();
        String[] lines = String.valueOf(reply).split("\\r?\\n");
        for (int i = 1; i < lines.length; i++) {
            String k = lines[i].length() > 4 ? lines[i].substring(4).strip() : "";
            if (!k.isEmpty()) {
                keywords.add(k);
            }
        }
        return keywords;
    }

    private static DnssecStatus dnssec(DnsAnswer.Status status) {
        return DnssecStatus.valueOf(status.name());
    }

    private static boolean tlsRequiredNo(MimeMessage message) {
        try {
            String[] v = message.getHeader("TLS-Required");
            return v != null && v.length == 1 && v[0].trim().equalsIgnoreCase("No");
        } catch (MessagingException e) {
            return false;
        }
    }

    private DomainDelivery failed(String domain, List<InternetAddress> recipients, boolean permanent,
                                  List<String> attempts, MessagingException failure) {
        LOG.info("relay to {} failed ({}): {}", domain, permanent ? "permanently" : "temporarily", attempts);
        return new DomainDelivery(domain, recipients, permanent ? DomainDelivery.Status.FAILED_PERMANENTLY
                : DomainDelivery.Status.FAILED_TEMPORARILY, null, null, null, null, attempts, failure);
    }

    /**
     * Decides the policy of one MX host: DANE when its TLSA records are DNSSEC-signed and usable (RFC 7672 §2.2, which
     * needs the MX and address answers secure too); else MTA-STS when the domain has a policy; else opportunistic.
     * The one implementation for deliveries and probes: what it finds wrong goes to {@code report} (a delivery's TLS
     * report; a probe passes one that drops them, a probe being no session).
     */
    HostPolicy policyFor(MxResolution mx, MxHost host, Optional<MtaStsPolicy> stsPolicy,
                         TlsReportPolicy stsReportPolicy, boolean requireTls, boolean policyOptional,
                         BiConsumer<TlsReportPolicy, TlsReportFailure> report) throws Skip {
        if (mx.mxStatus() == DnsAnswer.Status.SECURE && host.addressStatus() == DnsAnswer.Status.SECURE) {
            Set<String> names = new LinkedHashSet<>();
            names.add(host.canonicalName());
            names.add(host.name());
            for (String base : names) {
                DnsAnswer<TlsaRecord> tlsa;
                try {
                    tlsa = dns.tlsa(TLSA_PREFIX + base);
                } catch (DnsLookupException e) {
                    // RFC 7672 §2.2: with the host's name secure, a failed TLSA lookup must not turn into cleartext.
                    String why = "TLSA lookup failed (" + e.getMessage() + ")";
                    if (policyOptional) {
                        return setAside(host, stsReportPolicy, why, false);
                    }
                    throw new Skip(why + "; not delivered to this host without its DANE answer", true);
                }
                List<String> recordTexts = new ArrayList<>();
                tlsa.records().forEach(r -> recordTexts.add(r.toString()));
                TlsReportPolicy danePolicy = TlsReportPolicy.tlsa(mx.domain(), recordTexts, List.of(host.name()));
                if (tlsa.status() == DnsAnswer.Status.BOGUS) {
                    report.accept(danePolicy, TlsReportFailure.builder(TlsReportResultType.DNSSEC_INVALID)
                            .receivingMxHostname(host.name()).build());
                    String why = "TLSA records at " + TLSA_PREFIX + base + " fail DNSSEC validation (bogus)";
                    if (policyOptional) {
                        return setAside(host, danePolicy, why, true);
                    }
                    throw new Skip(why + "; not delivered to this host", true);
                }
                if (tlsa.status() != DnsAnswer.Status.SECURE || tlsa.records().isEmpty()) {
                    continue;
                }
                List<TlsaRecord> usable = tlsa.records().stream().filter(TlsaRecord::isUsable).toList();
                if (usable.isEmpty()) {
                    report.accept(danePolicy, TlsReportFailure.builder(TlsReportResultType.TLSA_INVALID)
                            .receivingMxHostname(host.name()).build());
                    continue;
                }
                TlsPolicy dane = policy.toBuilder().trust(TrustSource.dane(usable, List.copyOf(names))).build();
                return new HostPolicy(MxSecurity.DANE, dane, SecurityMode.STARTTLS_REQUIRED, base, danePolicy, usable,
                        TLSA_PREFIX + base);
            }
        }
        if (stsPolicy.isPresent()) {
            MtaStsPolicy p = stsPolicy.get();
            boolean enforce = p.mode() == MtaStsMode.ENFORCE;
            if (!MtaStsResolver.mxMatches(p, host.name())) {
                report.accept(stsReportPolicy, TlsReportFailure.builder(TlsReportResultType.VALIDATION_FAILURE)
                        .receivingMxHostname(host.name()).failureReasonCode("mx-not-in-policy").build());
                String why = "not named by the domain's MTA-STS policy " + p.mxPatterns() + " (mode "
                        + p.mode().wireName() + ")";
                if (requireTls) {
                    throw new Skip(why + ", which a REQUIRETLS message needs to match (RFC 8689 §4.2.1); not delivered"
                            + " to this host", enforce);
                }
                if (enforce && !policyOptional) {
                    throw new Skip(why + "; not delivered to this host", true);
                }
                return new HostPolicy(enforce ? MxSecurity.OPPORTUNISTIC : MxSecurity.MTA_STS_TESTING, policy,
                        SecurityMode.STARTTLS_OPPORTUNISTIC, host.name(), stsReportPolicy, List.of(), null, true,
                        why + "; " + (enforce ? "set aside by the message's TLS-Required: No" : "testing mode")
                        + ", opportunistic TLS");
            }
            if (enforce || !requireTls) {
                return new HostPolicy(enforce ? MxSecurity.MTA_STS_ENFORCE : MxSecurity.MTA_STS_TESTING, policy,
                        SecurityMode.STARTTLS_REQUIRED, host.name(), stsReportPolicy);
            }
        }
        if (requireTls) {
            throw new Skip("has neither DNSSEC-signed TLSA records nor an MTA-STS policy in enforce mode, which a"
                    + " REQUIRETLS message needs (RFC 8689 §4.2.1); not delivered to this host", false);
        }
        return new HostPolicy(MxSecurity.OPPORTUNISTIC, policy, SecurityMode.STARTTLS_OPPORTUNISTIC, host.name(),
                stsReportPolicy);
    }

    /** TLS-Required: No (RFC 8689 §5): the failure is reported, and the host used with opportunistic TLS. */
    private HostPolicy setAside(MxHost host, TlsReportPolicy reportPolicy, String why, boolean counted) {
        return new HostPolicy(MxSecurity.OPPORTUNISTIC, policy, SecurityMode.STARTTLS_OPPORTUNISTIC, host.name(),
                reportPolicy, List.of(), null, counted, why + "; set aside by the message's TLS-Required: No,"
                + " opportunistic TLS");
    }

    private DeliveryReport send(MimeMessage message, List<InternetAddress> recipients, HostPolicy hp,
                                InetAddress address, boolean requireTls) throws MessagingException {
        SmtpSender.Builder b = SecureMail.smtp(hp.connectName).port(port).mode(hp.mode).policy(hp.tls)
                .tlsEngine(engine).timeouts(timeouts).connectTo(address).maxConnections(1);
        if (heloName != null) {
            b.heloName(heloName);
        }
        listeners.forEach(b::listener);
        try (SmtpSender sender = b.build()) {
            return requireTls ? sender.send(message, recipients, DeliveryOption.REQUIRE_TLS)
                    : sender.send(message, recipients);
        }
    }

    private static TlsReportFailure failure(MailSecurityException e, MxHost host, InetAddress address) {
        TlsReportResultType type;
        if (e.reason() == MailSecurityException.Reason.STARTTLS_NOT_OFFERED
                || e.reason() == MailSecurityException.Reason.STARTTLS_REFUSED) {
            type = TlsReportResultType.STARTTLS_NOT_SUPPORTED;
        } else if (e.tlsRefusal().isPresent()) {
            type = TlsRptMapping.resultTypeOf(e.tlsRefusal().get().reason());
        } else {
            type = TlsReportResultType.VALIDATION_FAILURE;
        }
        return TlsReportFailure.builder(type).receivingMxHostname(host.name()).receivingIp(address)
                .failureReasonCode(e.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).build();
    }

    @Override
    public String toString() {
        return "port " + port + ", " + policy;
    }
}
