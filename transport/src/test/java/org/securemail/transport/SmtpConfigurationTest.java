package org.securemail.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Session;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.securemail.policy.SecurityMode;

/** Builder defaults, refusals of weakening properties, and what the drop-in session contains. */
class SmtpConfigurationTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mail.smtp.ssl.trust|*|it turns certificate checks off; trust your own CA with",
        "mail.smtp.ssl.protocols|TLSv1 TLSv1.1|set TLS versions with TlsPolicy.builder().minimumVersion(...)",
        "mail.smtp.ssl.ciphersuites|TLS_RSA_WITH_AES_128_CBC_SHA|set cipher suites with TlsPolicy",
        "mail.smtp.starttls.enable|false|choose STARTTLS with mode(SecurityMode.STARTTLS_REQUIRED)",
        "mail.smtp.starttls.required|false|choose STARTTLS with mode(SecurityMode.STARTTLS_REQUIRED)",
        "mail.smtp.ssl.enable|true|choose implicit TLS with mode(SecurityMode.IMPLICIT_TLS)",
        "mail.smtp.socketFactory.fallback|true|never falls back to the JVM's default",
        "mail.smtp.ssl.socketFactory.class|javax.net.ssl.SSLSocketFactory|SecureMail supplies its own socket factories",
        "mail.smtp.ssl.checkserveridentity|false|host names are always verified (RFC 9525)",
        "mail.smtp.class|com.example.Other|SecureMail installs its own hardened provider",
        "mail.smtp.auth|false|set credentials with credentials(",
        "mail.smtp.auth.mechanisms|NTLM|set credentials with credentials(",
        "mail.smtp.timeout|0|set timeouts with timeouts(Timeouts.of(connect, read, write))",
        "mail.smtp.connectiontimeout|-1|set timeouts with timeouts(",
        "mail.smtps.ssl.trust|*|reads only mail.smtp.* properties",
        "mail.transport.protocol|smtps|SecureMail registers its own hardened providers",
        "mail.debug|true|SLF4J at DEBUG, with credentials redacted",
        "mail.smtp.proxy.host|proxy.example.test|proxies are not supported",
    })
    void weakeningProperty_refusedWithWhatToUseInstead(String key, String value, String hint) {
        assertThatThrownBy(() -> SecureMail.smtp("localhost").property(key, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("property " + key + " is not accepted: ")
                .hasMessageContaining(hint)
                .hasMessageEndingWith("(see docs/migrating-from-jakarta-mail-properties.md)");
    }

    @Test
    void harmlessProperties_accepted_andLandInTheSession() {
        Session s = SecureMail.smtp("localhost").property("mail.smtp.dsn.notify", "FAILURE")
                .property("mail.mime.charset", "UTF-8").buildSession();
        assertThat(s.getProperty("mail.smtp.dsn.notify")).isEqualTo("FAILURE");
        assertThat(s.getProperty("mail.mime.charset")).isEqualTo("UTF-8");
    }

    @Test
    void defaults_starttlsRequiredOn587_finiteTimeouts_noFallback() {
        Session s = SecureMail.smtp("mail.example.test").buildSession();
        assertThat(s.getProperty("mail.smtp.port")).isEqualTo("587");
        assertThat(s.getProperty("mail.smtp.starttls.enable")).isEqualTo("true");
        assertThat(s.getProperty("mail.smtp.starttls.required")).isEqualTo("true");
        assertThat(s.getProperty("mail.smtp.socketFactory.fallback")).isEqualTo("false");
        assertThat(s.getProperty("mail.smtp.connectiontimeout")).isEqualTo("30000");
        assertThat(s.getProperty("mail.smtp.timeout")).isEqualTo("120000");
        // Writes are bounded by SecureMail's watchdog, not by Angus's task-per-write timeout.
        assertThat(s.getProperty("mail.smtp.writetimeout")).isNull();
        assertThat(s.getProperty("mail.smtp.class")).endsWith("HardenedSmtpTransport");
        assertThat(s.getProperties().stringPropertyNames()).noneMatch(k -> k.contains("ssl.trust"));
    }

    @Test
    void defaultPorts_followTheMode() {
        assertThat(SecureMail.smtp("h").mode(SecurityMode.IMPLICIT_TLS).buildSession().getProperty("mail.smtp.port"))
                .isEqualTo("465");
        assertThat(SecureMail.smtp("h").mode(SecurityMode.STARTTLS_OPPORTUNISTIC).buildSession()
                .getProperty("mail.smtp.port")).isEqualTo("25");
        assertThat(SecureMail.smtp("h").port(2525).buildSession().getProperty("mail.smtp.port")).isEqualTo("2525");
    }

    @Test
    void secretsNeverInPropertiesOrToString() {
        char[] password = "do-not-print-me".toCharArray();
        SmtpSender sender = SecureMail.smtp("localhost").credentials(Credentials.password("alice", password)).build();
        assertThat(sender.session().getProperties().toString()).doesNotContain("do-not-print-me");
        assertThat(sender.toString()).contains("alice").doesNotContain("do-not-print-me");
        assertThat(Credentials.oauth2("bob", () -> "tok").toString()).isEqualTo("Credentials{user=bob, OAUTH2}");
        sender.close();
    }

    @Test
    void invalidArguments_refusedAtOnce() {
        assertThatThrownBy(() -> SecureMail.smtp("bad host")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host must be a host name or address without spaces: \"bad host\"");
        assertThatThrownBy(() -> SecureMail.smtp("h").port(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be between 1 and 65535: 0");
        assertThatThrownBy(() -> Timeouts.DEFAULT.withRead(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("read timeout must be at least 1 millisecond: PT0S (SecureMail never waits forever)");
        // Jakarta Mail takes whole milliseconds and reads 0 as "no limit": half a millisecond must not become 0.
        assertThatThrownBy(() -> Timeouts.DEFAULT.withConnect(Duration.ofNanos(500_000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connect timeout must be at least 1 millisecond: PT0.0005S (SecureMail never waits forever)");
        assertThatThrownBy(() -> Timeouts.DEFAULT.withWrite(Duration.ofHours(99_999_999_999_999L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("write timeout must be at most 24 days (2147483647 ms): PT99999999999999H");
        assertThatThrownBy(() -> Credentials.password("a\r\nb", new char[] {'x'}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("user contains a line break or NUL");
        assertThatThrownBy(() -> SecureMail.smtp("h").maxConnections(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SecureMail.smtp("h").heloName("a b")).isInstanceOf(IllegalArgumentException.class);
    }
}
