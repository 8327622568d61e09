package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Session;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.securemail.policy.SecurityMode;

/** Fetcher builders: defaults, refusals, what the drop-in sessions contain; search criteria. */
class FetcherConfigurationTest {
    private static final Credentials ALICE = Credentials.password("alice", "do-not-print-me".toCharArray());

    @Test
    void imapDefaults_implicitTlsOn993_finiteTimeouts_noFallback_hardenedStores() {
        try (ImapFetcher imap = SecureMail.imap("imap.example.test").credentials(ALICE).build()) {
            Session s = imap.session();
            assertThat(imap.endpoint().mode()).isEqualTo(SecurityMode.IMPLICIT_TLS);
            assertThat(imap.endpoint().port()).isEqualTo(993);
            assertThat(s.getProperty("mail.imap.port")).isEqualTo("993");
            assertThat(s.getProperty("mail.imap.ssl.enable")).isEqualTo("true");
            assertThat(s.getProperty("mail.imap.starttls.required")).isEqualTo("false");
            assertThat(s.getProperty("mail.imap.socketFactory.fallback")).isEqualTo("false");
            assertThat(s.getProperty("mail.imap.connectiontimeout")).isEqualTo("30000");
            assertThat(s.getProperty("mail.imap.timeout")).isEqualTo("120000");
            // Writes are bounded by SecureMail's watchdog, not by Angus's task-per-write timeout.
        assertThat(s.getProperty("mail.imap.writetimeout")).isNull();
            assertThat(s.getProperty("mail.imap.auth.mechanisms")).isEqualTo("PLAIN LOGIN");
            assertThat(s.getProperty("mail.imap.class")).endsWith("HardenedImapStore");
            assertThat(s.getProperty("mail.imaps.class")).endsWith("HardenedImapStore");
            assertThat(s.getProperties().stringPropertyNames()).noneMatch(k -> k.contains("ssl.trust"));
            assertThat(s.getProperties().toString()).doesNotContain("do-not-print-me");
        }
    }

    @Test
    void imapStarttls_port143_required() {
        Session s = SecureMail.imap("h").mode(SecurityMode.STARTTLS_REQUIRED).credentials(ALICE).build().session();
        assertThat(s.getProperty("mail.imap.port")).isEqualTo("143");
        assertThat(s.getProperty("mail.imap.starttls.enable")).isEqualTo("true");
        assertThat(s.getProperty("mail.imap.starttls.required")).isEqualTo("true");
        assertThat(s.getProperty("mail.imap.ssl.enable")).isEqualTo("false");
    }

    @Test
    void pop3Defaults_implicitTlsOn995_stlsOn110() {
        Session implicit = SecureMail.pop3("h").credentials(ALICE).build().session();
        assertThat(implicit.getProperty("mail.pop3.port")).isEqualTo("995");
        assertThat(implicit.getProperty("mail.pop3.starttls.required")).isEqualTo("false");
        assertThat(implicit.getProperty("mail.pop3.class")).endsWith("HardenedPop3Store");
        assertThat(implicit.getProperty("mail.pop3s.class")).endsWith("HardenedPop3Store");
        Session stls = SecureMail.pop3("h").mode(SecurityMode.STARTTLS_REQUIRED).port(1110)
                .credentials(Credentials.oauth2("bob", () -> "t")).build().session();
        assertThat(stls.getProperty("mail.pop3.port")).isEqualTo("1110");
        assertThat(stls.getProperty("mail.pop3.starttls.required")).isEqualTo("true");
        assertThat(stls.getProperty("mail.pop3.auth.mechanisms")).isEqualTo("XOAUTH2");
    }

    @Test
    void opportunisticMode_refusedForMailboxAccess() {
        assertThatThrownBy(() -> SecureMail.imap("h").mode(SecurityMode.STARTTLS_OPPORTUNISTIC))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mode STARTTLS_OPPORTUNISTIC is for relaying between mail servers; mailbox"
                        + " access always carries credentials");
        assertThatThrownBy(() -> SecureMail.pop3("h").mode(SecurityMode.STARTTLS_OPPORTUNISTIC))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void insecureCleartext_onlyThroughItsNamedApi_andOnlyForThisMachine() {
        assertThatThrownBy(() -> SecureMail.imap("localhost").mode(SecurityMode.INSECURE_CLEARTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("insecureCleartextForLocalDevelopment()");
        // An address literal is judged at once; a name by the address it resolves to, when connecting
        // (InsecureModeTest proves that).
        assertThatThrownBy(() -> SecureMail.imap("10.0.0.1").insecureCleartextForLocalDevelopment()
                .credentials(ALICE).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("insecureCleartextForLocalDevelopment() is allowed only for a server on this"
                        + " machine (an address in 127.0.0.0/8 or ::1), not 10.0.0.1");
        assertThatThrownBy(() -> SecureMail.pop3("[2001:db8::1]").insecureCleartextForLocalDevelopment()
                .credentials(ALICE).build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SecureMail.smtp("192.0.2.7").insecureCleartextForLocalDevelopment().build())
                .isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1"})
    void insecureCleartext_loopbackNames_accepted(String host) {
        ImapFetcher imap = SecureMail.imap(host).insecureCleartextForLocalDevelopment().credentials(ALICE).build();
        assertThat(imap.endpoint().mode()).isEqualTo(SecurityMode.INSECURE_CLEARTEXT);
        assertThat(imap.endpoint().port()).isEqualTo(143);
        assertThat(imap.session().getProperty("mail.imap.ssl.enable")).isEqualTo("false");
        imap.close();
    }

    @Test
    void credentials_required() {
        assertThatThrownBy(() -> SecureMail.imap("h").build()).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("credentials are required: mailbox access always authenticates");
        assertThatThrownBy(() -> SecureMail.pop3("h").build()).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mail.imap.ssl.trust|*|it turns certificate checks off",
        "mail.imaps.ssl.trust|*|reads only mail.imap.* properties",
        "mail.imaps.socketFactory.fallback|true|reads only mail.imap.* properties",
        "mail.imap.starttls.enable|false|choose STARTTLS with mode(SecurityMode.STARTTLS_REQUIRED)",
        "mail.imap.auth.mechanisms|LOGIN|set credentials with credentials(",
        "mail.imap.sasl.enable|true|set credentials with credentials(",
        "mail.imap.class|com.example.Other|SecureMail installs its own hardened provider",
        "mail.imap.partialfetch|false|accepts only formatting and protocol options",
        "mail.imap.timeout|0|set timeouts with timeouts(",
        "mail.imap.proxy.host|proxy.example.test|proxies are not supported",
        "mail.store.protocol|imaps|SecureMail registers its own hardened providers",
    })
    void imapWeakeningProperty_refusedWithWhatToUseInstead(String key, String value, String hint) {
        assertThatThrownBy(() -> SecureMail.imap("localhost").property(key, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("property " + key + " is not accepted: ")
                .hasMessageContaining(hint);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mail.pop3s.ssl.trust|*|reads only mail.pop3.* properties",
        "mail.pop3.starttls.required|false|choose STARTTLS with mode(SecurityMode.STARTTLS_REQUIRED)",
        "mail.pop3.disablecapa|true|accepts only formatting and protocol options",
        "mail.pop3.apop.enable|true|accepts only formatting and protocol options",
        "mail.pop3.ssl.socketFactory.class|javax.net.ssl.SSLSocketFactory|SecureMail supplies its own socket",
    })
    void pop3WeakeningProperty_refusedWithWhatToUseInstead(String key, String value, String hint) {
        assertThatThrownBy(() -> SecureMail.pop3("localhost").property(key, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("property " + key + " is not accepted: ")
                .hasMessageContaining(hint);
    }

    @Test
    void harmlessProperties_accepted_andValuesChecked() {
        Session s = SecureMail.imap("h").property("mail.imap.fetchsize", "65536")
                .property("mail.mime.charset", "UTF-8").credentials(ALICE).build().session();
        assertThat(s.getProperty("mail.imap.fetchsize")).isEqualTo("65536");
        assertThatThrownBy(() -> SecureMail.imap("h").property("mail.imap.fetchsize", "0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("property mail.imap.fetchsize must be between 1024 and 1048576: 0");
        Session p = SecureMail.pop3("h").property("mail.pop3.rsetbeforequit", "true").credentials(ALICE).build()
                .session();
        assertThat(p.getProperty("mail.pop3.rsetbeforequit")).isEqualTo("true");
    }

    @Test
    void secretsNeverInToString() {
        try (ImapFetcher imap = SecureMail.imap("h").credentials(ALICE).build();
             Pop3Fetcher pop3 = SecureMail.pop3("h").credentials(ALICE).build()) {
            assertThat(imap.toString()).isEqualTo("ImapFetcher{h:993, IMPLICIT_TLS, Credentials{user=alice,"
                    + " PASSWORD}}");
            assertThat(pop3.toString()).contains("alice").doesNotContain("do-not-print-me");
        }
    }

    @Test
    void invalidArguments_refusedAtOnce() {
        assertThatThrownBy(() -> SecureMail.imap("bad host")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host must be a host name or address without spaces: \"bad host\"");
        assertThatThrownBy(() -> SecureMail.pop3(null)).isInstanceOf(NullPointerException.class).hasMessage("host");
        assertThatThrownBy(() -> SecureMail.imap("h").port(70000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be between 1 and 65535: 70000");
        assertThatThrownBy(() -> SecureMail.imap("h").credentials(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> SecureMail.pop3("h").timeouts(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void closedFetcher_refusesWork() {
        ImapFetcher imap = SecureMail.imap("h").credentials(ALICE).build();
        imap.close();
        assertThatThrownBy(imap::folders).isInstanceOf(IllegalStateException.class)
                .hasMessage("the IMAP fetcher for h is closed");
        Pop3Fetcher pop3 = SecureMail.pop3("h").credentials(ALICE).build();
        pop3.close();
        assertThatThrownBy(pop3::list).isInstanceOf(IllegalStateException.class)
                .hasMessage("the POP3 fetcher for h is closed");
    }

    // ---- search criteria ----

    @Test
    void searchCriteria_immutableValue() {
        SearchCriteria c = SearchCriteria.builder().unseen().since(LocalDate.of(2026, 11, 1)).from("bob")
                .subject("invoice").build();
        assertThat(c.toString()).isEqualTo("SearchCriteria{unseen and since 2026-11-01 and from \"bob\" and subject"
                + " \"invoice\"}");
        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(c.toBuilder().subject("receipt").build()).isNotEqualTo(c);
        assertThat(c.isUnseen()).isTrue();
        assertThat(c.since()).contains(LocalDate.of(2026, 11, 1));
        assertThat(SearchCriteria.ALL.toString()).isEqualTo("SearchCriteria{all}");
        assertThat(SearchCriteria.ALL.from()).isEmpty();
        assertThat(SearchCriteria.unseen()).isEqualTo(SearchCriteria.builder().unseen().build());
    }

    @Test
    void searchCriteria_refusesBadText() {
        assertThatThrownBy(() -> SearchCriteria.builder().subject("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("subject text is empty");
        assertThatThrownBy(() -> SearchCriteria.builder().from("a\r\nb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("from text contains a control character");
        assertThatThrownBy(() -> SearchCriteria.builder().since(null)).isInstanceOf(NullPointerException.class);
    }
}
