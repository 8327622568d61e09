package org.securemail.relay.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The grammar the MTA-STS (RFC 8461 §3.1) and TLS-RPT (RFC 8460 §3) TXT records share: a version field first, then
 * {@code name=value} fields separated by semicolons, an optional trailing semicolon, extension fields of a fixed
 * shape. Each record type says which version it wants, which of its fields it knows, and how it names itself in
 * errors.
 */
final class TagValueRecord {
    private static final Pattern EXT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    private static final Pattern EXT_VALUE = Pattern.compile("[\\x21-\\x3a\\x3c\\x3e-\\x7e]+");

    private final String kind;
    private final String version;
    private final Pattern versionThenDelimiter;

    /**
     * Describes one record type.
     *
     * @param kind how errors name it, e.g. {@code "MTA-STS TXT record"}
     * @param version its version field, e.g. {@code "v=STSv1"}
     */
    TagValueRecord(String kind, String version) {
        this.kind = kind;
        this.version = version;
        this.versionThenDelimiter = Pattern.compile(Pattern.quote(version) + "[ \\t]*;.*", Pattern.DOTALL);
    }

    /**
     * Picks the one record of this type among a name's TXT records; those that do not begin with the version and a
     * semicolon are someone else's and discarded.
     *
     * @return the record, or empty when there is none
     * @throws IllegalArgumentException when there are several
     */
    Optional<String> select(List<String> records) {
        List<String> found = new ArrayList<>();
        for (String r : records) {
            if (versionThenDelimiter.matcher(r).matches()) {
                found.add(r);
            }
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException(kind + "s must be exactly one beginning with " + version + ": found "
                    + found.size() + " " + found);
        }
        return found.stream().findFirst();
    }

    /**
     * Splits a record into its fields after the version, checking the shared grammar; the caller's known fields are
     * returned by name (each at most once), extension fields are checked and dropped.
     *
     * @param record the record text
     * @param known the field names the caller interprets
     * @return the known fields present, by name
     * @throws IllegalArgumentException if the record breaks the grammar
     */
    Map<String, String> fields(String record, String... known) {
        String[] fields = record.split(";", -1);
        if (!fields[0].strip().equals(version) || !fields[0].startsWith(version)) {
            throw bad("must begin with " + version, record);
        }
        Map<String, String> values = new LinkedHashMap<>();
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
            if (List.of(known).contains(name)) {
                if (values.putIfAbsent(name, value) != null) {
                    throw bad("must have one " + name, record);
                }
            } else if (!EXT_NAME.matcher(name).matches() || !EXT_VALUE.matcher(value).matches()) {
                throw bad("extension fields must be name=value without spaces, '=' or ';'", record);
            }
        }
        return values;
    }

    /**
     * Returns the exception for a broken rule.
     *
     * @param rule the rule, e.g. {@code "must have an id field"}
     * @param record the record text
     * @return the exception to throw
     */
    IllegalArgumentException bad(String rule, String record) {
        return new IllegalArgumentException(kind + " " + rule + ": \"" + record + "\"");
    }
}
