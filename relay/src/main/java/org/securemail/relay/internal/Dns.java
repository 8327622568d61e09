package org.securemail.relay.internal;

import java.net.InetAddress;
import org.securemail.policy.TlsaRecord;

/**
 * The DNS lookups that delivery to an MX needs, each answer carrying its DNSSEC status.
 *
 * <p>The production implementation queries with dnsjava through a validating resolver; tests give one that points at
 * a DNS server on loopback. Names are absolute domain names without the trailing dot, in A-label form.
 */
public interface Dns {

    /**
     * Looks up the MX records of a domain.
     *
     * @param domain the recipient domain
     * @return the records as published (not sorted), empty when the name has no MX records
     * @throws DnsLookupException when no answer could be had (a timeout, SERVFAIL, a refused query)
     */
    DnsAnswer<MxRecord> mx(String domain) throws DnsLookupException;

    /**
     * Looks up the A and AAAA records of a host.
     *
     * @param host the host name
     * @return the addresses, IPv6 first when both exist
     * @throws DnsLookupException when no answer could be had
     */
    DnsAnswer<InetAddress> addresses(String host) throws DnsLookupException;

    /**
     * Looks up the TXT records of a name, each record's strings joined without separators (RFC 7208 §3.3 style).
     *
     * @param name the owner name, e.g. {@code _mta-sts.example.com}
     * @return the records
     * @throws DnsLookupException when no answer could be had
     */
    DnsAnswer<String> txt(String name) throws DnsLookupException;

    /**
     * Looks up the TLSA records of a name.
     *
     * @param name the owner name, e.g. {@code _25._tcp.mx.example.com}
     * @return the records
     * @throws DnsLookupException when no answer could be had
     */
    DnsAnswer<TlsaRecord> tlsa(String name) throws DnsLookupException;
}
