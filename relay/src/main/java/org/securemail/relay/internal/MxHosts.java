package org.securemail.relay.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Finds the hosts to deliver a domain's mail to, as RFC 5321 §5.1 says: the MX records by preference (lowest first,
 * shuffled among equal preferences), the domain itself when it has no MX record (implicit MX), none when the domain
 * does not exist or publishes a null MX (RFC 7505). At most {@value #MAX_HOSTS} hosts are kept.
 *
 * <p>An MX exchange that is an address literal (not allowed by RFC 1035 §3.3.9 and RFC 5321 §5.1) is skipped, as is
 * a host without addresses or whose address answer is bogus; an exchange that is a CNAME is followed (RFC 5321 §5.1)
 * and the host keeps the name the MX record gave, with the canonical name beside it.
 */
public final class MxHosts {

    /** The most hosts tried for one domain. */
    public static final int MAX_HOSTS = 10;

    private static final Pattern ADDRESS_LITERAL = Pattern.compile("\\[.*]|[0-9.]+|.*:.*");

    private MxHosts() {
    }

    /**
     * Resolves a domain's MX hosts and their addresses, shuffling equal preferences at random.
     *
     * @param dns the resolver
     * @param domain the recipient domain (A-labels, no trailing dot)
     * @return the hosts in delivery order with the DNSSEC status of each answer
     * @throws MxResolutionException when there is no host to deliver to; {@link MxResolutionException#isPermanent()}
     *     says whether to bounce or retry
     */
    public static MxResolution resolve(Dns dns, String domain) throws MxResolutionException {
        return resolve(dns, domain, ThreadLocalRandom.current());
    }

    /**
     * Resolves a domain's MX hosts and their addresses, shuffling equal preferences with the given source.
     *
     * @param dns the resolver
     * @param domain the recipient domain (A-labels, no trailing dot)
     * @param random shuffles hosts of equal preference
     * @return the hosts in delivery order with the DNSSEC status of each answer
     * @throws MxResolutionException when there is no host to deliver to
     */
    public static MxResolution resolve(Dns dns, String domain, Random random) throws MxResolutionException {
        Objects.requireNonNull(dns, "dns");
        Objects.requireNonNull(random, "random");
        String name = normalise(domain);
        DnsAnswer<MxRecord> mx;
        try {
            mx = dns.mx(name);
        } catch (DnsLookupException e) {
            throw new MxResolutionException(name, MxResolutionException.Reason.DNS_FAILURE,
                    "MX lookup for " + name + " must get an answer: " + e.getMessage() + "; the message stays queued",
                    e);
        }
        if (mx.status() == DnsAnswer.Status.BOGUS) {
            throw new MxResolutionException(name, MxResolutionException.Reason.DNSSEC_BOGUS,
                    "MX answer for " + name + " must pass DNSSEC validation: it is bogus (signed, but the signatures"
                            + " do not validate); the message stays queued until the domain's DNS is fixed",
                    null);
        }
        if (!mx.nameExists()) {
            throw new MxResolutionException(name, MxResolutionException.Reason.NO_SUCH_DOMAIN,
                    "recipient domain " + name + " must exist: DNS says NXDOMAIN; check the address", null);
        }
        List<String> skipped = new ArrayList<>();
        if (mx.records().isEmpty()) {
            // RFC 5321 §5.1: no MX records, the domain itself is the implicit MX (with preference 0).
            String host = mx.canonicalName().isEmpty() ? name : mx.canonicalName();
            List<MxHost> hosts = new ArrayList<>();
            boolean temporary = addHost(dns, host, 0, hosts, skipped);
            return result(name, true, mx.status(), hosts, skipped, temporary);
        }
        if (mx.records().size() == 1 && mx.records().get(0).isNullExchange()) {
            throw new MxResolutionException(name, MxResolutionException.Reason.NULL_MX,
                    "recipient domain " + name + " must accept mail: it publishes a null MX (RFC 7505), it accepts"
                            + " none; the message cannot be delivered",
                    null);
        }
        // Lowest preference first; a host listed twice keeps its lowest preference.
        Map<String, Integer> byHost = new LinkedHashMap<>();
        for (MxRecord r : mx.records()) {
            if (r.isNullExchange()) {
                skipped.add(". (a null MX beside other MX records, ignored as RFC 7505 §3 says)");
                continue;
            }
            String exchange = r.exchange().toLowerCase(Locale.ROOT);
            byHost.merge(exchange, r.preference(), Math::min);
        }
        List<Map.Entry<String, Integer>> ordered = new ArrayList<>(byHost.entrySet());
        Collections.shuffle(ordered, random);
        ordered.sort(Comparator.comparingInt(Map.Entry::getValue)); // stable: keeps the shuffle within a preference
        List<MxHost> hosts = new ArrayList<>();
        boolean temporary = false;
        for (Map.Entry<String, Integer> e : ordered) {
            if (hosts.size() == MAX_HOSTS) {
                skipped.add(e.getKey() + " (beyond the first " + MAX_HOSTS + " hosts)");
                continue;
            }
            if (ADDRESS_LITERAL.matcher(e.getKey()).matches()) {
                skipped.add(e.getKey() + " (an MX exchange must be a host name, not an address literal)");
                continue;
            }
            temporary |= addHost(dns, e.getKey(), e.getValue(), hosts, skipped);
        }
        return result(name, false, mx.status(), hosts, skipped, temporary);
    }

    /** Looks up one host's addresses; returns true when the lookup failed in a way a retry may fix. */
    private static boolean addHost(Dns dns, String host, int preference, List<MxHost> hosts, List<String> skipped) {
        DnsAnswer<InetAddress> a;
        try {
            a = dns.addresses(host);
        } catch (DnsLookupException e) {
            skipped.add(host + " (address lookup failed: " + e.getMessage() + ")");
            return true;
        } catch (IllegalArgumentException e) {
            skipped.add(host + " (not a valid host name: " + e.getMessage() + ")");
            return false;
        }
        if (a.status() == DnsAnswer.Status.BOGUS) {
            skipped.add(host + " (address answer is DNSSEC-bogus)");
            return true;
        }
        if (a.records().isEmpty()) {
            skipped.add(host + (a.nameExists() ? " (has no A or AAAA record)" : " (does not exist: NXDOMAIN)"));
            return false;
        }
        hosts.add(new MxHost(host, preference, a.canonicalName().isEmpty() ? host : a.canonicalName(), a.records(),
                a.status()));
        return false;
    }

    private static MxResolution result(String domain, boolean implicit, DnsAnswer.Status status, List<MxHost> hosts,
            List<String> skipped, boolean temporary) throws MxResolutionException {
        if (!hosts.isEmpty()) {
            return new MxResolution(domain, implicit, status, hosts, skipped);
        }
        String what = implicit ? "recipient domain " + domain + " (no MX records, so the domain itself)"
                : "MX hosts of " + domain;
        if (temporary) {
            boolean bogus = skipped.stream().anyMatch(s -> s.contains("DNSSEC-bogus"));
            throw new MxResolutionException(domain, bogus ? MxResolutionException.Reason.DNSSEC_BOGUS
                    : MxResolutionException.Reason.DNS_FAILURE,
                    what + " must have a usable address: " + String.join("; ", skipped) + "; the message stays queued",
                    null);
        }
        throw new MxResolutionException(domain, MxResolutionException.Reason.NO_ADDRESSES,
                what + " must have an address: " + String.join("; ", skipped) + "; the message cannot be delivered",
                null);
    }

    private static String normalise(String domain) {
        Objects.requireNonNull(domain, "domain");
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        if (d.isEmpty()) {
            throw new IllegalArgumentException("recipient domain must not be empty: '" + domain + "'");
        }
        return d.toLowerCase(Locale.ROOT);
    }
}
