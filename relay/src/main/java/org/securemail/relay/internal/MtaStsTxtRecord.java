package org.securemail.relay.internal;

import java.util.ArrayList;
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
    private static final Pattern EXT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    private static final Pattern EXT_VALUE = Pattern.compile("[\\x21-\\x3a\\x3c\\x3e-\\x7e]+");
    private static final Pattern VERSION_THEN_DELIMITER = Pattern.compile("v=STSv1[ \\t]*;.*", Pattern.DOTALL);

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
        List<String> sts = new ArrayList<>();
        for (String r : records) {
            if (VERSION_THEN_DELIMITER.matcher(r).matches()) {
                sts.add(r);
            }
        }
        if (sts.isEmpty()) {
            return Optional.empty();
        }
        if (sts.size() > 1) {
            throw new IllegalArgumentException("MTA-STS TXT records must be exactly one beginning with v=STSv1: found "
                    + sts.size() + " " + sts);
        }
        return Optional.of(parse(sts.get(0)));
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
        String[] fields = record.split(";", -1);
        if (!fields[0].strip().equals("v=STSv1") || !fields[0].startsWith("v=STSv1")) {
            throw bad("must begin with v=STSv1", record);
        }
        String id = null;
        for (int i = 1; i < fields.length; i++) {
            String field = fields[i].strip();
            if (field.isEmpty()) {
                if (i == fields.length - 1) {
                    break; // an optional trailing delimiter
                }
                throw bad("must not have an empty field", record);
            }
            int eq = field.indexOf('=');
            if (eq <= 0) {
                throw bad("fields must be name=value", record);
            }
            String name = field.substring(0, eq);
            String value = field.substring(eq + 1);
            if ("id".equals(name)) {
                if (id != null) {
                    throw bad("must have one id", record);
                }
                if (!ID.matcher(value).matches()) {
                    throw bad("id must be 1 to 32 letters and digits", record);
                }
                id = value;
            } else if (!EXT_NAME.matcher(name).matches() || !EXT_VALUE.matcher(value).matches()) {
                throw bad("extension fields must be name=value without spaces, '=' or ';'", record);
            }
        }
        if (id == null) {
            throw bad("must have an id field", record);
        }
        return new MtaStsTxtRecord(id);
    }

    private static IllegalArgumentException bad(String rule, String record) {
        return new IllegalArgumentException("MTA-STS TXT record " + rule + ": \"" + record + "\"");
    }
}
