package org.securemail.transport;

import java.time.Duration;
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
}
