package org.securemail.transport;

import jakarta.mail.Flags;
import jakarta.mail.search.AndTerm;
import jakarta.mail.search.ComparisonTerm;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.FromStringTerm;
import jakarta.mail.search.ReceivedDateTerm;
import jakarta.mail.search.SearchTerm;
import jakarta.mail.search.SubjectTerm;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ImapMailbox#search(SearchCriteria, int)} looks for: every criterion set must match (AND). The server
 * evaluates them (IMAP SEARCH); none is evaluated by fetching messages. Immutable.
 *
 * <pre>{@code
 * SearchCriteria c = SearchCriteria.builder()
 *         .unseen()
 *         .since(LocalDate.of(2026, 11, 1))
 *         .from("billing@example.com")
 *         .subject("invoice")
 *         .build();
 * }</pre>
 */
public final class SearchCriteria {
    /** Matches every message. */
    public static final SearchCriteria ALL = builder().build();

    private final boolean unseen;
    private final LocalDate since;
    private final String from;
    private final String subject;

    private SearchCriteria(Builder b) {
        this.unseen = b.unseen;
        this.since = b.since;
        this.from = b.from;
        this.subject = b.subject;
    }

    /**
     * Starts building criteria; with nothing set they match every message.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns criteria that match the messages not yet read (without {@code \Seen}).
     *
     * @return the criteria
     */
    public static SearchCriteria unseen() {
        return builder().unseen().build();
    }

    /**
     * Returns a builder holding these criteria.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.unseen = unseen;
        b.since = since;
        b.from = from;
        b.subject = subject;
        return b;
    }

    /**
     * Tells whether only messages without {@code \Seen} match.
     *
     * @return whether the criteria ask for unseen messages
     */
    public boolean isUnseen() {
        return unseen;
    }

    /**
     * Returns the first day (in the server's reckoning, IMAP SINCE) a message must have arrived on or after.
     *
     * @return the day, or empty when any day matches
     */
    public Optional<LocalDate> since() {
        return Optional.ofNullable(since);
    }

    /**
     * Returns the text the From header must contain (case-insensitive, as IMAP SEARCH FROM).
     *
     * @return the text, or empty when any sender matches
     */
    public Optional<String> from() {
        return Optional.ofNullable(from);
    }

    /**
     * Returns the text the Subject must contain (case-insensitive, as IMAP SEARCH SUBJECT).
     *
     * @return the text, or empty when any subject matches
     */
    public Optional<String> subject() {
        return Optional.ofNullable(subject);
    }

    /** Returns the Jakarta Mail search term, or null for "every message". */
    SearchTerm toSearchTerm() {
        List<SearchTerm> terms = new ArrayList<>();
        if (unseen) {
            terms.add(new FlagTerm(new Flags(Flags.Flag.SEEN), false));
        }
        if (since != null) {
            Date start = Date.from(since.atStartOfDay(ZoneId.systemDefault()).toInstant());
            terms.add(new ReceivedDateTerm(ComparisonTerm.GE, start));
        }
        if (from != null) {
            terms.add(new FromStringTerm(from));
        }
        if (subject != null) {
            terms.add(new SubjectTerm(subject));
        }
        if (terms.isEmpty()) {
            return null;
        }
        return terms.size() == 1 ? terms.get(0) : new AndTerm(terms.toArray(new SearchTerm[0]));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SearchCriteria)) {
            return false;
        }
        SearchCriteria c = (SearchCriteria) o;
        return unseen == c.unseen && Objects.equals(since, c.since) && Objects.equals(from, c.from)
                && Objects.equals(subject, c.subject);
    }

    @Override
    public int hashCode() {
        return Objects.hash(unseen, since, from, subject);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (unseen) {
            parts.add("unseen");
        }
        if (since != null) {
            parts.add("since " + since);
        }
        if (from != null) {
            parts.add("from \"" + from + "\"");
        }
        if (subject != null) {
            parts.add("subject \"" + subject + "\"");
        }
        return "SearchCriteria{" + (parts.isEmpty() ? "all" : String.join(" and ", parts)) + "}";
    }

    /** Builds {@link SearchCriteria}. Setters check their argument at once; the last call wins. */
    public static final class Builder {
        private boolean unseen;
        private LocalDate since;
        private String from;
        private String subject;

        private Builder() {
        }

        /**
         * Matches only messages not yet read (without {@code \Seen}).
         *
         * @return this builder
         */
        public Builder unseen() {
            this.unseen = true;
            return this;
        }

        /**
         * Matches only messages that arrived on or after a day (IMAP SINCE compares the server's arrival date,
         * disregarding time and time zone).
         *
         * @param day the first day
         * @return this builder
         * @throws NullPointerException if {@code day} is null
         */
        public Builder since(LocalDate day) {
            this.since = Objects.requireNonNull(day, "day");
            return this;
        }

        /**
         * Matches only messages whose From header contains a text (address or name, case-insensitive).
         *
         * @param text the text
         * @return this builder
         * @throws NullPointerException if {@code text} is null
         * @throws IllegalArgumentException if it is empty or contains a control character
         */
        public Builder from(String text) {
            this.from = checkText(text, "from");
            return this;
        }

        /**
         * Matches only messages whose Subject contains a text (case-insensitive).
         *
         * @param text the text
         * @return this builder
         * @throws NullPointerException if {@code text} is null
         * @throws IllegalArgumentException if it is empty or contains a control character
         */
        public Builder subject(String text) {
            this.subject = checkText(text, "subject");
            return this;
        }

        private static String checkText(String text, String name) {
            Objects.requireNonNull(text, name);
            if (text.isEmpty()) {
                throw new IllegalArgumentException(name + " text is empty");
            }
            if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException(name + " text contains a control character");
            }
            return text;
        }

        /**
         * Builds the criteria.
         *
         * @return the criteria
         */
        public SearchCriteria build() {
            return new SearchCriteria(this);
        }
    }
}
