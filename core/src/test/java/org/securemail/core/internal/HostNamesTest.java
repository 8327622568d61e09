package org.securemail.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.securemail.testing.TestPki;

class HostNamesTest {

    @ParameterizedTest
    @CsvSource({
        "mail.example.com, mail.example.com, true",
        "MAIL.Example.COM, mail.example.com, true",
        "mail.example.com., mail.example.com, true",
        "*.example.com, mail.example.com, true",
        "*.example.com, a.b.example.com, false",
        "*.example.com, example.com, false",
        "*.com, example.com, false",
        "m*.example.com, mail.example.com, false",
        "*ail.example.com, mail.example.com, false",
        "mail.*.com, mail.example.com, false",
        "*.*.example.com, a.b.example.com, false",
        "*, localhost, false",
        "other.example.com, mail.example.com, false",
    })
    void dnsMatching_followsRfc9525(String pattern, String host, boolean matches) {
        assertThat(HostNames.matchesDns(pattern, HostNames.normalize(host))).isEqualTo(matches);
    }

    @Test
    void normalize_lowerCasesStripsDotAndBracketsAndUsesALabels() {
        assertThat(HostNames.normalize("Mail.Example.COM.")).isEqualTo("mail.example.com");
        assertThat(HostNames.normalize("[::1]")).isEqualTo("::1");
        assertThat(HostNames.normalize("bücher.example")).isEqualTo("xn--bcher-kva.example");
    }

    @Test
    void ipLiterals_recognisedWithoutLookup() {
        assertThat(HostNames.isIpLiteral("127.0.0.1")).isTrue();
        assertThat(HostNames.isIpLiteral("::1")).isTrue();
        assertThat(HostNames.isIpLiteral("2001:db8::25")).isTrue();
        assertThat(HostNames.isIpLiteral("mail.example.com")).isFalse();
        assertThat(HostNames.isIpLiteral("1.2.3")).isFalse();
        assertThat(HostNames.isIpLiteral("g:1")).isFalse();
    }

    @Test
    void certificate_ipOnlyAgainstIpEntries_andCommonNameNeverUsed() {
        TestPki pki = TestPki.create("Names");
        var cert = pki.leaf().commonName("localhost").dnsNames("mail.example.test").ipAddresses("10.0.0.25", "::1")
                .issue().certificate();
        assertThat(HostNames.matches(cert, "mail.example.test")).isTrue();
        assertThat(HostNames.matches(cert, "10.0.0.25")).isTrue();
        assertThat(HostNames.matches(cert, HostNames.normalize("0:0:0:0:0:0:0:1"))).isTrue();
        assertThat(HostNames.matches(cert, "localhost")).isFalse();
        assertThat(HostNames.matches(cert, "10.0.0.26")).isFalse();
        assertThat(HostNames.describe(cert)).containsExactly("DNS:mail.example.test", "IP:10.0.0.25", "IP:0:0:0:0:0:0:0:1");
    }
}
