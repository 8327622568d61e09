package org.securemail.transport;

import java.util.Objects;

/**
 * One message in a POP3 maildrop, as {@link Pop3Fetcher#list()} reports it: its UIDL (the stable identifier SecureMail
 * addresses POP3 messages by), its number in that session, and its size. Immutable.
 */
public final class Pop3MessageInfo {
    private final int number;
    private final String uidl;
    private final long size;

    Pop3MessageInfo(int number, String uidl, long size) {
        this.number = number;
        this.uidl = Objects.requireNonNull(uidl, "uidl");
        this.size = size;
    }

    /**
     * Returns the message's number in the session that listed it; numbers change between sessions, so address
     * messages by {@link #uidl()}.
     *
     * @return the number, from 1
     */
    public int number() {
        return number;
    }

    /**
     * Returns the message's unique id (RFC 1939 UIDL), stable across sessions.
     *
     * @return the UIDL
     */
    public String uidl() {
        return uidl;
    }

    /**
     * Returns the message's size in octets as the server reports it (LIST).
     *
     * @return the size, or -1 when the server did not report it
     */
    public long size() {
        return size;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pop3MessageInfo && number == ((Pop3MessageInfo) o).number
                && uidl.equals(((Pop3MessageInfo) o).uidl) && size == ((Pop3MessageInfo) o).size;
    }

    @Override
    public int hashCode() {
        return Objects.hash(number, uidl, size);
    }

    @Override
    public String toString() {
        return "Pop3MessageInfo{#" + number + ", uidl=" + uidl + ", size=" + size + "}";
    }
}
