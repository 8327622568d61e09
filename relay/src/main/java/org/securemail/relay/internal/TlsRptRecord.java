package org.securemail.relay.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code _smtp._tls.<domain>} TXT record (RFC 8460 §3): {@code v=TLSRPTv1; rua=<uri>[,<uri>...]}, where each
 * URI is {@code mailto:} or {@code https:}; extension fields are ignored.
 *
 * @param ruas where the domain wants its reports, in order
 */
public record TlsRptRecord(List<URI> ruas) {

    private static final Pattern VERSION_THEN_DELIMITER = Pattern.compile("v=TLSRPTv1[ \\t]*;.*", Pattern.DOTALL);
    private static final Pattern EXT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    private static final Pattern EXT_VALUE = Pattern.compile("[\\x21-\\x3a\\x3c\\x3e-\\x7e]+");

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
        List<String> found = new ArrayList<>();
        for (String r : records) {
            if (VERSION_THEN_DELIMITER.matcher(r).matches()) {
                found.add(r);
            }
        }
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException("TLSRPT TXT records must be exactly one beginning with v=TLSRPTv1:"
                    + " found " + found.size());
        }
        return Optional.of(parse(found.get(0)));
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
        String[] fields = record.split(";", -1);
        if (!fields[0].strip().equals("v=TLSRPTv1") || !fields[0].startsWith("v=TLSRPTv1")) {
            throw bad("must begin with v=TLSRPTv1", record);
        }
        List<URI> ruas = null;
        for (int i = 1; i < fields.length; i++) {
            String field = fields[i].strip();
            if (field.isEmpty()) {
                if (i == fields.length - 1) {
                    break;
                }
                throw bad("must not have an empty field", record);
            }
            int eq = field.indexOf('=');
            if (eq <= 0) {
                throw bad("fields must be name=value", record);
            }
            String name = field.substring(0, eq);
            String value = field.substring(eq + 1);
            if ("rua".equals(name)) {
                if (ruas != null) {
                    throw bad("must have one rua field", record);
                }
                ruas = new ArrayList<>();
                for (String part : value.split(",", -1)) {
                    ruas.add(uri(part.strip(), record));
                }
            } else if (!EXT_NAME.matcher(name).matches() || !EXT_VALUE.matcher(value).matches()) {
                throw bad("extension fields must be name=value without spaces, '=' or ';'", record);
            }
        }
        if (ruas == null) {
            throw bad("must have a rua field", record);
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
        return new IllegalArgumentException("TLSRPT TXT record " + rule + ": \"" + record + "\"");
    }
}
