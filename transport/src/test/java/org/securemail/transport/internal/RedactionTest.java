package org.securemail.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void authCommandPayload_neverLogged() {
        assertThat(HardenedSmtpTransport.redact("AUTH PLAIN AGFsaWNlAHNlY3JldA==")).isEqualTo("AUTH PLAIN [credentials"
                + " redacted]");
        assertThat(HardenedSmtpTransport.redact("auth xoauth2 dXNlcj1ib2IBYXV0aD1CZWFyZXIgdG9rAQE="))
                .isEqualTo("AUTH xoauth2 [credentials redacted]");
        assertThat(HardenedSmtpTransport.redact("AUTH LOGIN")).isEqualTo("AUTH LOGIN");
        assertThat(HardenedSmtpTransport.redact("MAIL FROM:<a@example.test>")).isEqualTo("MAIL FROM:<a@example.test>");
    }
}
