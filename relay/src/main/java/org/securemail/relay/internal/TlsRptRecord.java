package org.securemail.relay.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code _smtp._tls.<domain>} TXT record (RFC 8460 §3): {@code v=TLSRPTv1; rua=<uri>[,<uri>...]}, where each
 * URI is {@code mailto:} or {@code https:}; extension fields are ignored.
 *
 * @param ruas where the domain wants its reports, in order
 */
public record TlsRptRecord(List<URI> ruas) {

    private static final TagValueRecord GRAMMAR = new TagValueRecord("TLSRPT TXT record", "v=TLSRPTv1");

    /**
     * Checks and copies the list.
     *
     * @param ruas one or more {@code mailto:} or {@code https:} URIs
     */
    public TlsRptRecord {
        ruas = List.copyOf(ruas);
        if (ruas.isEmpty()) {
            throw new IllegalArgumentException("TLSRPT record must name at least one rua URI");
        }
    }

    /**
     * Returns the owner name of a domain's record.
     *
     * @param domain the policy domain
     * @return {@code _smtp._tls.<domain>}
     */
    public static String ownerName(String domain) {
        return "_smtp._tls." + domain;
    }

    /**
     * Looks up and parses a domain's record.
     *
     * @param dns the resolver
     * @param domain the policy domain
     * @return the record, or empty when the domain has none, has several, or the one it has is invalid (RFC 8460 §3:
     *     the domain then does not take reports)
     * @throws DnsLookupException when the lookup got no answer
     */
    public static Optional<TlsRptRecord> lookup(Dns dns, String domain) throws DnsLookupException {
        DnsAnswer<String> answer = dns.txt(ownerName(domain));
        if (answer.status() == DnsAnswer.Status.BOGUS) {
            return Optional.empty();
        }
        try {
            return select(answer.records());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Picks the TLSRPTv1 record among a name's TXT records and parses it; others are discarded.
     *
     * @param records the TXT records, each one's strings joined
     * @return the record, or empty when no record begins with {@code v=TLSRPTv1;}
     * @throws IllegalArgumentException when there are several such records, or the one there is is invalid
     */
    public static Optional<TlsRptRecord> select(List<String> records) {
        return GRAMMAR.select(records).map(TlsRptRecord::parse);
    }

    /**
     * Parses one record.
     *
     * @param record the record text
     * @return the record
     * @throws IllegalArgumentException if the record breaks RFC 8460 §3's grammar or names no usable URI
     */
    public static TlsRptRecord parse(String record) {
        Objects.requireNonNull(record, "record");
        String rua = GRAMMAR.fields(record, "rua").get("rua");
        if (rua == null) {
            throw GRAMMAR.bad("must have a rua field", record);
        }
        List<URI> ruas = new ArrayList<>();
        for (String part : rua.split(",", -1)) {
            ruas.add(uri(part.strip(), record));
        }
        return new TlsRptRecord(ruas);
    }

    private static URI uri(String text, String record) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw bad("rua must be a list of URIs", record);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("mailto")) {
            String ssp = uri.getSchemeSpecificPart();
            if (ssp == null || ssp.indexOf('@') <= 0 || ssp.endsWith("@")) {
                throw bad("mailto rua must name an address", record);
            }
        } else if (scheme.equals("https")) {
            if (uri.getHost() == null) {
                throw bad("https rua must name a host", record);
            }
        } else {
            throw bad("rua URIs must be mailto: or https:", record);
        }
        return uri;
    }

    private static IllegalArgumentException bad(String rule, String record) {
        return GRAMMAR.bad(rule, record);
    }
}
