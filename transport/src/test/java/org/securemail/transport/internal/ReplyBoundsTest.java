package org.securemail.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same server bytes pass or fail the same way however the network cuts them into reads: every chunk size from
 * one octet up is swept.
 */
class ReplyBoundsTest {
    /** Reads the whole stream in reads of at most {@code chunk} octets; returns what passed, or throws. */
    private static String readAll(String server, CleartextRules protocol, Limits limits, int chunk)
            throws IOException {
        byte[] bytes = server.getBytes(StandardCharsets.ISO_8859_1);
        InputStream in = new ReplyBounds(new ByteArrayInputStream(bytes), protocol, limits, "inside TLS", () -> { });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[chunk];
        int n;
        while ((n = in.read(buf, 0, chunk)) > 0) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7, 13, 24, 25, 64, 4096})
    void imapLiteralWithinTheLimit_passesWhole_itsContentNotReadAsLines(int chunk) throws IOException {
        String literal = "x".repeat(300) + "\r\n" + "y".repeat(300); // longer lines than maxLine, inside a literal
        String server = "* 1 FETCH (BODY[] {" + literal.length() + "}\r\n" + literal + ")\r\nA1 OK done\r\n";
        assertThat(readAll(server, CleartextRules.IMAP, new Limits(100, 0, 0, 1000), chunk)).isEqualTo(server);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7, 13, 24, 25, 64, 4096})
    void imapLiteralOverTheLimit_refusedWhateverTheChunks(int chunk) {
        String server = "* OK {2147483000}\r\n";
        Throwable t = catchThrowable(() -> readAll(server, CleartextRules.IMAP, Limits.imapTls(1 << 20), chunk));
        assertThat(t).isInstanceOf(GuardException.class).hasMessageContaining("literal of 2147483000 octets");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7, 13, 24, 25, 64, 4096})
    void literalSyntaxSplitAcrossReads_stillFound_andWrongSyntaxIgnored(int chunk) throws IOException {
        String ok = "* 1 FETCH (X {3+}\r\nabc)\r\n* 2 FETCH (Y {12a}\r\nA2 OK\r\n";
        assertThat(readAll(ok, CleartextRules.IMAP, new Limits(100, 0, 0, 10), chunk)).isEqualTo(ok);
        String tooBig = "* 1 FETCH (X {11}\r\n";
        assertThat(catchThrowable(() -> readAll(tooBig, CleartextRules.IMAP, new Limits(100, 0, 0, 10), chunk)))
                .isInstanceOf(GuardException.class).hasMessageContaining("more than the maximum of 10");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7, 13, 4096})
    void lineOneOverTheLimit_refused_lineAtTheLimit_passes(int chunk) throws IOException {
        String atLimit = "a".repeat(50) + "\r\n";
        assertThat(readAll(atLimit, CleartextRules.POP3, new Limits(50, 0, 0, -1), chunk)).isEqualTo(atLimit);
        String over = "a".repeat(51) + "\r\n";
        assertThat(catchThrowable(() -> readAll(over, CleartextRules.POP3, new Limits(50, 0, 0, -1), chunk)))
                .isInstanceOf(GuardException.class).hasMessageContaining("longer than 50 octets");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 4096})
    void smtpContinuationLinesCounted_finalLineResets(int chunk) throws IOException {
        String fine = "250-a\r\n250-b\r\n250 c\r\n250-d\r\n250-e\r\n250 f\r\n";
        assertThat(readAll(fine, CleartextRules.SMTP, new Limits(100, 3, 0, -1), chunk)).isEqualTo(fine);
        String endless = "250-a\r\n250-b\r\n250-c\r\n250 d\r\n";
        assertThat(catchThrowable(() -> readAll(endless, CleartextRules.SMTP, new Limits(100, 3, 0, -1), chunk)))
                .isInstanceOf(GuardException.class).hasMessageContaining("more than 3 lines");
    }
}
