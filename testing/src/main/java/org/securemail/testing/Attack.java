package org.securemail.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What a hostile server sends instead of a reply, to prove that a client stays bounded in memory and time: an endless
 * stream of reply lines, one line that never ends, a single crafted reply (an IMAP literal announcing 2 GB, say), or a
 * reply dripped one byte at a time. Scripted on the hostile servers with {@code attack(when, insideTls, attack)}.
 */
public final class Attack {
    final byte[] first;
    final byte[] unit;
    final boolean repeat;
    final Duration perByte;

    private Attack(byte[] first, byte[] unit, boolean repeat, Duration perByte) {
        this.first = first;
        this.unit = unit;
        this.repeat = repeat;
        this.perByte = perByte;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Sends the same line, with CRLF, until the client goes away (an endless {@code 220-} greeting, say).
     *
     * @param line the line
     * @return the attack
     */
    public static Attack endlessLines(String line) {
        return new Attack(bytes(line + "\r\n"), bytes(line + "\r\n"), true, Duration.ZERO);
    }

    /**
     * Sends a first line, then the same line over and over until the client goes away (a multi-line reply that
     * never ends: {@code "+OK"} followed by capability lines, say).
     *
     * @param first the first line
     * @param line the line repeated
     * @return the attack
     */
    public static Attack endlessLines(String first, String line) {
        return new Attack(bytes(first + "\r\n"), bytes(line + "\r\n"), true, Duration.ZERO);
    }

    /**
     * Sends the text, then the letter x without ever a line break, until the client goes away.
     *
     * @param start the beginning of the line, e.g. {@code "220 "}
     * @return the attack
     */
    public static Attack endlessLine(String start) {
        byte[] filler = new byte[8192];
        java.util.Arrays.fill(filler, (byte) 'x');
        return new Attack(bytes(start), filler, true, Duration.ZERO);
    }

    /**
     * Sends the text once and then says nothing more, keeping the connection open.
     *
     * @param text the exact bytes (use \r\n for line ends)
     * @return the attack
     */
    public static Attack once(String text) {
        return new Attack(bytes(text), new byte[0], false, Duration.ZERO);
    }

    /**
     * Sends the text one byte at a time, waiting between bytes, over and over until the client goes away: each read
     * of the client returns something, so only an overall deadline ends it.
     *
     * @param text the text to drip, e.g. {@code "220-slow\r\n"}
     * @param perByte the pause before each byte
     * @return the attack
     */
    public static Attack drip(String text, Duration perByte) {
        return new Attack(bytes(text), bytes(text), true, perByte);
    }
}
