package org.securemail.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.securemail.policy.SecurityMode;

/** Builders and checks shared by the IMAP and POP3 tests. */
final class FetchFixtures {
    static final String USER = "alice";
    static final Timeouts FAST = Fixtures.FAST;
    static final Timeouts STALL = Timeouts.of(Duration.ofSeconds(5), Duration.ofMillis(1500), Duration.ofSeconds(5));

    private FetchFixtures() {
    }

    static ImapFetcher.Builder imap(int port, SecurityMode mode) {
        return SecureMail.imap("localhost").port(port).mode(mode).policy(Fixtures.policy()).tlsEngine(Fixtures.ENGINE)
                .timeouts(FAST).credentials(Credentials.password(USER, Fixtures.PASSWORD));
    }

    static Pop3Fetcher.Builder pop3(int port, SecurityMode mode) {
        return SecureMail.pop3("localhost").port(port).mode(mode).policy(Fixtures.policy()).tlsEngine(Fixtures.ENGINE)
                .timeouts(FAST).credentials(Credentials.password(USER, Fixtures.PASSWORD));
    }

    /** Every form in which the password could have left in cleartext. */
    static String[] secretForms(String secret) {
        byte[] s = secret.getBytes(StandardCharsets.UTF_8);
        return new String[] {
            secret,
            Base64.getEncoder().encodeToString(s),
            Base64.getEncoder().encodeToString(("\0" + USER + "\0" + secret).getBytes(StandardCharsets.UTF_8)),
            Base64.getEncoder().encodeToString(("user=" + USER + "\001auth=Bearer " + secret + "\001\001")
                    .getBytes(StandardCharsets.UTF_8)),
        };
    }
}
