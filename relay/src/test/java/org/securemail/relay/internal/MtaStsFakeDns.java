package org.securemail.relay.internal;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.securemail.policy.TlsaRecord;

/** A {@link Dns} whose TXT answers the test sets; other lookups fail unless overridden. */
class MtaStsFakeDns implements Dns {
    private final Map<String, Object> txt = new HashMap<>();
    private final Map<String, Integer> txtQueries = new HashMap<>();

    synchronized MtaStsFakeDns publishTxt(String name, String... records) {
        txt.put(name, List.of(records));
        return this;
    }

    synchronized MtaStsFakeDns txtFails(String name) {
        txt.put(name, new DnsLookupException(name + " TXT lookup timed out", null));
        return this;
    }

    synchronized MtaStsFakeDns txtBogus(String name, String... records) {
        txt.put(name, DnsAnswer.of(List.of(records), true, DnsAnswer.Status.BOGUS, name));
        return this;
    }

    synchronized int txtQueries(String name) {
        return txtQueries.getOrDefault(name, 0);
    }

    @Override
    public DnsAnswer<MxRecord> mx(String domain) throws DnsLookupException {
        throw new DnsLookupException("no MX in this test", null);
    }

    @Override
    public DnsAnswer<InetAddress> addresses(String host) throws DnsLookupException {
        throw new DnsLookupException("no addresses in this test", null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized DnsAnswer<String> txt(String name) throws DnsLookupException {
        txtQueries.merge(name, 1, Integer::sum);
        Object answer = txt.get(name);
        if (answer == null) {
            return DnsAnswer.of(List.of(), false, DnsAnswer.Status.INSECURE, name);
        }
        if (answer instanceof DnsLookupException) {
            throw (DnsLookupException) answer;
        }
        if (answer instanceof DnsAnswer) {
            return (DnsAnswer<String>) answer;
        }
        return DnsAnswer.of((List<String>) answer, true, DnsAnswer.Status.INSECURE, name);
    }

    @Override
    public DnsAnswer<TlsaRecord> tlsa(String name) throws DnsLookupException {
        throw new DnsLookupException("no TLSA in this test", null);
    }
}
