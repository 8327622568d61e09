package org.securemail.relay;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.securemail.policy.TlsaRecord;
import org.securemail.relay.internal.Dns;
import org.securemail.relay.internal.DnsAnswer;
import org.securemail.relay.internal.DnsLookupException;
import org.securemail.relay.internal.MxRecord;

/** A DNS of fixed answers, each with the DNSSEC status a test gives it; a name not set does not exist. */
final class MapDns implements Dns {
    private final Map<String, DnsAnswer<MxRecord>> mx = new HashMap<>();
    private final Map<String, DnsAnswer<InetAddress>> addresses = new HashMap<>();
    private final Map<String, DnsAnswer<String>> txt = new HashMap<>();
    private final Map<String, DnsAnswer<TlsaRecord>> tlsa = new HashMap<>();

    MapDns mx(String domain, DnsAnswer.Status status, MxRecord... records) {
        mx.put(domain, DnsAnswer.of(List.of(records), true, status, domain));
        return this;
    }

    MapDns host(String host, DnsAnswer.Status status, InetAddress... a) {
        addresses.put(host, DnsAnswer.of(List.of(a), true, status, host));
        return this;
    }

    MapDns txt(String name, String... records) {
        txt.put(name, DnsAnswer.of(List.of(records), true, DnsAnswer.Status.INSECURE, name));
        return this;
    }

    MapDns tlsa(String name, DnsAnswer.Status status, TlsaRecord... records) {
        tlsa.put(name, DnsAnswer.of(List.of(records), true, status, name));
        return this;
    }

    private static <T> DnsAnswer<T> none(String name) {
        return DnsAnswer.of(List.of(), false, DnsAnswer.Status.INSECURE, name);
    }

    @Override
    public DnsAnswer<MxRecord> mx(String domain) throws DnsLookupException {
        return mx.getOrDefault(domain, none(domain));
    }

    @Override
    public DnsAnswer<InetAddress> addresses(String host) throws DnsLookupException {
        return addresses.getOrDefault(host, none(host));
    }

    @Override
    public DnsAnswer<String> txt(String name) throws DnsLookupException {
        return txt.getOrDefault(name, none(name));
    }

    @Override
    public DnsAnswer<TlsaRecord> tlsa(String name) throws DnsLookupException {
        return tlsa.getOrDefault(name, none(name));
    }
}
