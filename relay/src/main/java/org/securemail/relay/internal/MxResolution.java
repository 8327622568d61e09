package org.securemail.relay.internal;

import java.util.List;
import java.util.Objects;

/**
 * The hosts to try, in order, for delivery to one domain (RFC 5321 §5.1).
 *
 * @param domain the recipient domain as asked (lower case, no trailing dot)
 * @param implicit true when the domain has no MX records and the domain itself is the only host (implicit MX)
 * @param mxStatus the DNSSEC status of the MX answer (for an implicit MX: of the NODATA answer that proved there is
 *     no MX record)
 * @param hosts the candidates in delivery order, at most {@link MxHosts#MAX_HOSTS}; never empty
 * @param skipped what was left out and why (hosts without addresses, a bogus address answer, a lookup that failed,
 *     an address literal as exchange), for the delivery report; empty when nothing was
 */
public record MxResolution(String domain, boolean implicit, DnsAnswer.Status mxStatus, List<MxHost> hosts,
        List<String> skipped) {

    /**
     * Checks and copies the fields.
     *
     * @param domain not null
     * @param implicit whether the MX is implicit
     * @param mxStatus not null
     * @param hosts not empty
     * @param skipped not null
     */
    public MxResolution {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(mxStatus, "mxStatus");
        hosts = List.copyOf(hosts);
        skipped = List.copyOf(skipped);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("MX resolution must have at least one host: " + domain + " has none");
        }
    }
}
