package org.securemail.relay.internal;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code _mta-sts.<domain>} TXT record (RFC 8461 §3.1): {@code v=STSv1; id=<1 to 32 letters and digits>;}
 * with extension fields ignored.
 *
 * @param id the policy id, which changes whenever the policy does
 */
public record MtaStsTxtRecord(String id) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,32}");
    private static final TagValueRecord GRAMMAR = new TagValueRecord("MTA-STS TXT record", "v=STSv1");

    /**
     * Checks the id.
     *
     * @param id 1 to 32 letters and digits
     */
    public MtaStsTxtRecord {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("MTA-STS TXT record id must be 1 to 32 letters and digits: \"" + id
                    + "\"");
        }
    }

    /**
     * Returns the owner name of a domain's record.
     *
     * @param domain the recipient domain
     * @return {@code _mta-sts.<domain>}
     */
    public static String ownerName(String domain) {
        return "_mta-sts." + domain;
    }

    /**
     * Picks the STSv1 record among a name's TXT records and parses it. Records that do not begin with
     * {@code v=STSv1;} are discarded (RFC 8461 §3.1).
     *
     * @param records the TXT records, each one's strings joined
     * @return the record, or empty when no record begins with {@code v=STSv1;}
     * @throws IllegalArgumentException when there is more than one such record, or the one there is breaks the
     *     grammar (the sender must then act as if the domain had no policy)
     */
    public static Optional<MtaStsTxtRecord> select(List<String> records) {
        return GRAMMAR.select(records).map(MtaStsTxtRecord::parse);
    }

    /**
     * Parses one record.
     *
     * @param record the record text
     * @return the record
     * @throws IllegalArgumentException if the record breaks RFC 8461 §3.1's grammar
     */
    public static MtaStsTxtRecord parse(String record) {
        Objects.requireNonNull(record, "record");
        String id = GRAMMAR.fields(record, "id").get("id");
        if (id == null) {
            throw GRAMMAR.bad("must have an id field", record);
        }
        if (!ID.matcher(id).matches()) {
            throw GRAMMAR.bad("id must be 1 to 32 letters and digits", record);
        }
        return new MtaStsTxtRecord(id);
    }
}
