package org.securemail.relay.internal;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * One candidate host for delivery to a domain, with its addresses and the DNSSEC status of their lookup.
 *
 * <p>DANE for SMTP needs both statuses (RFC 7672 §2.2): the MX answer's ({@link MxResolution#mxStatus()}) decides
 * whether the host name may be trusted as the TLSA base domain, this one whether the host's own name may be.
 *
 * @param name the MX exchange as published (lower case, no trailing dot), or the domain itself for an implicit MX
 * @param preference the MX preference (0 for an implicit MX)
 * @param canonicalName the name the addresses were found at after CNAMEs (equal to {@code name} when there were none)
 * @param addresses the host's addresses, IPv6 first; never empty
 * @param addressStatus the DNSSEC status of the address lookup (the weaker of the AAAA and A answers)
 */
public record MxHost(String name, int preference, String canonicalName, List<InetAddress> addresses,
        DnsAnswer.Status addressStatus) {

    /**
     * Checks and copies the fields.
     *
     * @param name not null
     * @param preference 0 to 65535
     * @param canonicalName not null
     * @param addresses not empty
     * @param addressStatus not null
     */
    public MxHost {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(canonicalName, "canonicalName");
        Objects.requireNonNull(addressStatus, "addressStatus");
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("MX host must have at least one address: " + name + " has none");
        }
        if (preference < 0 || preference > 65535) {
            throw new IllegalArgumentException("MX preference must be 0..65535: " + preference);
        }
    }
}
