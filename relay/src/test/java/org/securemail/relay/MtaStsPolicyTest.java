package org.securemail.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MtaStsPolicyTest {

    @Test
    void parse_enforceWithCrlf_readsEveryField() {
        MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
                + "mx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n");

        assertThat(p.mode()).isEqualTo(MtaStsMode.ENFORCE);
        assertThat(p.mxPatterns()).containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
        assertThat(p.maxAge()).isEqualTo(Duration.ofSeconds(604800));
        assertThat(p.lines()).containsExactly("version: STSv1", "mode: enforce", "mx: mail.example.com",
                "mx: *.example.net", "mx: backupmx.example.com", "max_age: 604800");
    }

    @Test
    void parse_testingWithLfAndNoFinalNewline_isAccepted() {
        MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\nmode: testing\nmx: mx.example.com\nmax_age: 86400");

        assertThat(p.mode()).isEqualTo(MtaStsMode.TESTING);
        assertThat(p.mxPatterns()).containsExactly("mx.example.com");
    }

    @Test
    void parse_noneWithoutMx_isAccepted() {
        MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 0\n");

        assertThat(p.mode()).isEqualTo(MtaStsMode.NONE);
        assertThat(p.mxPatterns()).isEmpty();
        assertThat(p.maxAge()).isZero();
        assertThat(p.matches("mx.example.com")).isFalse();
    }

    @Test
    void parse_unknownKeysOrderAndBlankLines_areIgnored() {
        MtaStsPolicy p = MtaStsPolicy.parse("max_age: 86400\n\nfoo_bar: anything at all\nmx: MX.Example.COM.  \n"
                + "mode: enforce\nversion: STSv1\n");

        assertThat(p.mxPatterns()).containsExactly("mx.example.com");
    }

    @Test
    void parse_sameText_givesEqualPolicyThatRoundTrips() {
        String text = "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n";
        MtaStsPolicy p = MtaStsPolicy.parse(text);

        assertThat(MtaStsPolicy.parse(p.text())).isEqualTo(p).hasSameHashCodeAs(p);
        assertThat(p.text()).isEqualTo(text);
        assertThat(p).hasToString("MtaStsPolicy{mode=enforce, mx=[mx.example.com], max_age=86400}");
    }

    @Test
    void parse_maxAgeAtTheLimit_isAccepted() {
        assertThat(MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 31557600\n").maxAge())
                .isEqualTo(Duration.ofSeconds(31557600));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mode: enforce\\nmx: a.example.com\\nmax_age: 1| must have a \"version: STSv1\" line: none found",
        "version: STSv1\\nmx: a.example.com\\nmax_age: 1| must have a \"mode\" line: none found",
        "version: STSv1\\nmode: enforce\\nmx: a.example.com| must have a \"max_age\" line: none found",
        "version: STSv1\\nmode: testing\\nmax_age: 1| in mode testing must have at least one \"mx\" line",
        "version: STSv2\\nmode: enforce\\nmx: a.example.com\\nmax_age: 1| line 1 version must be STSv1",
        "version: STSv1\\nmode: Enforce\\nmx: a.example.com\\nmax_age: 1| line 2 mode must be enforce, testing or none",
        "version: STSv1\\nmode: report\\nmx: a.example.com\\nmax_age: 1| line 2 mode must be enforce, testing or none",
        "version: STSv1\\nmode: enforce\\nmode: none\\nmax_age: 1| line 3 mode must appear once",
        "version: STSv1\\nmode: none\\nmax_age: 31557601| line 3 max_age must be at most 31557600",
        "version: STSv1\\nmode: none\\nmax_age: -1| line 3 max_age must be 1 to 10 digits",
        "version: STSv1\\nmode: none\\nmax_age: 12345678901| line 3 max_age must be 1 to 10 digits",
        "version: STSv1\\nmode: none\\nmax_age: 1d| line 3 max_age must be 1 to 10 digits",
        "version: STSv1\\nmode: none\\nmax_age:| line 3 value must not be empty",
        "version: STSv1\\nmode: none\\nmax_age 5| line 3 must be \"key: value\"",
        "version: STSv1\\nmode: none\\nmax_age: 5\\n_x: y| line 4 key must be a letter or digit",
        "version: STSv1\\nmode: enforce\\nmx: *.*.example.com\\nmax_age: 1| line 3 mx must be a host name",
        "version: STSv1\\nmode: enforce\\nmx: mx*.example.com\\nmax_age: 1| line 3 mx must be a host name",
        "version: STSv1\\nmode: enforce\\nmx: *example.com\\nmax_age: 1| line 3 mx must be a host name",
        "version: STSv1\\nmode: enforce\\nmx: -mx.example.com\\nmax_age: 1| line 3 mx must be a host name",
        "version: STSv1\\nmode: enforce\\nmx: mx..example.com\\nmax_age: 1| line 3 mx must be a host name",
        "version: STSv1\\nmode: enforce\\nmx: mx example.com\\nmax_age: 1| line 3 mx must be a host name",
        "version: STSv1\\rmode: enforce\\nmx: mx.example.com\\nmax_age: 1| line 1 must not contain control characters",
    })
    void parse_malformed_isRefusedNamingTheRule(String text, String expected) {
        String policy = text.replace("\\n", "\n").replace("\\r", "\r");
        assertThatThrownBy(() -> MtaStsPolicy.parse(policy))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("MTA-STS policy")
                .hasMessageContaining(expected.strip());
    }

    @Test
    void parse_textOver64KiB_isRefused() {
        String huge = "version: STSv1\nmode: none\nmax_age: 1\n" + "x: y\n".repeat(20_000);
        assertThatThrownBy(() -> MtaStsPolicy.parse(huge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MTA-STS policy must be at most 65536 characters: it has " + huge.length());
    }

    @Test
    void parse_htmlPage_isRefused() {
        assertThatThrownBy(() -> MtaStsPolicy.parse("<html><body>Moved</body></html>"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MTA-STS policy line 1 must be \"key: value\": \"<html><body>Moved</body></html>\"");
    }

    @ParameterizedTest(name = "{0} against {1}: {2}")
    @CsvSource({
        "mx.example.com,      mx.example.com,      true",
        "mx.example.com,      MX.EXAMPLE.COM,      true",
        "MX.Example.com,      mx.example.com,      true",
        "mx.example.com,      mx.example.com.,     true",
        "mx.example.com.,     mx.example.com,      true",
        "mx.example.com,      mx2.example.com,     false",
        "mx.example.com,      example.com,         false",
        "mx.example.com,      a.mx.example.com,    false",
        "mx.example.com,      mx.example.com.evil, false",
        "*.example.com,       mx.example.com,      true",
        "*.example.com,       MX1.Example.Com.,    true",
        "*.example.com,       example.com,         false",
        "*.example.com,       a.b.example.com,     false",
        "*.example.com,       .example.com,        false",
        "*.example.com,       mxexample.com,       false",
        "*.example.com,       mx.example.org,      false",
        "*.example.com,       mx.example.com.evil, false",
        "*.mx.example.com,    a.mx.example.com,    true",
        "*.mx.example.com,    mx.example.com,      false",
    })
    void matches_sweep(String pattern, String host, boolean expected) {
        MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: " + pattern + "\nmax_age: 60\n");
        assertThat(p.matches(host)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "."})
    void matches_emptyHost_isFalse(String host) {
        MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 60\n");
        assertThat(p.matches(host)).isFalse();
    }

    @Test
    void mode_wireNames_roundTrip() {
        for (MtaStsMode m : MtaStsMode.values()) {
            assertThat(MtaStsMode.fromWireName(m.wireName())).contains(m);
        }
        assertThat(MtaStsMode.fromWireName("ENFORCE")).isEmpty();
    }

    @Test
    void cacheEntry_badId_isRefused() {
        MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 60\n");
        assertThatThrownBy(() -> new MtaStsCacheEntry("a-b", p, java.time.Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MTA-STS id must be 1 to 32 letters and digits: \"a-b\"");
        MtaStsCacheEntry e = new MtaStsCacheEntry("abc", p, java.time.Instant.EPOCH);
        assertThat(e.expiresAt()).isEqualTo(java.time.Instant.EPOCH.plusSeconds(60));
        assertThat(e.isValidAt(java.time.Instant.EPOCH.plusSeconds(59))).isTrue();
        assertThat(e.isValidAt(java.time.Instant.EPOCH.plusSeconds(60))).isFalse();
    }
}
