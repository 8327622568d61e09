package org.securemail.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlsRptRecordTest {

    @Test
    void select_mailtoAndHttps_givesBothInOrder() {
        assertThat(TlsRptRecord.select(List.of("v=spf1 -all",
                "v=TLSRPTv1; rua=mailto:reports@example.com, https://reporting.example.com/v1/tlsrpt;")))
                .contains(new TlsRptRecord(List.of(URI.create("mailto:reports@example.com"),
                        URI.create("https://reporting.example.com/v1/tlsrpt"))));
    }

    @Test
    void select_extensionField_isIgnored() {
        assertThat(TlsRptRecord.select(List.of("v=TLSRPTv1;ext=1;rua=mailto:a@example.com")).orElseThrow().ruas())
                .containsExactly(URI.create("mailto:a@example.com"));
    }

    @Test
    void select_noRecord_isEmpty() {
        assertThat(TlsRptRecord.select(List.of("v=TLSRPTv2; rua=mailto:a@example.com"))).isEmpty();
    }

    @Test
    void select_twoRecords_isRefused() {
        assertThatThrownBy(() -> TlsRptRecord.select(List.of("v=TLSRPTv1; rua=mailto:a@example.com",
                "v=TLSRPTv1; rua=mailto:b@example.com")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TLSRPT TXT records must be exactly one beginning with v=TLSRPTv1: found 2"
                        + " [v=TLSRPTv1; rua=mailto:a@example.com, v=TLSRPTv1; rua=mailto:b@example.com]");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "v=TLSRPTv1;",
        "v=TLSRPTv1; rua=",
        "v=TLSRPTv1; rua=http://example.com/report",
        "v=TLSRPTv1; rua=ftp://example.com/report",
        "v=TLSRPTv1; rua=mailto:",
        "v=TLSRPTv1; rua=mailto:nobody",
        "v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com",
        "v=TLSRPTv1; rua=mailto:a@example.com,,mailto:b@example.com",
        "v=TLSRPTv1; rua=https:///nohost",
        "v=TLSRPTv1; rua=mailto:a@example.com; bad name=x",
    })
    void parse_badRecord_isRefused(String record) {
        assertThatThrownBy(() -> TlsRptRecord.parse(record))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("TLSRPT TXT record ")
                .hasMessageEndingWith(": \"" + record + "\"");
    }

    @Test
    void lookup_asksUnderscoreSmtpUnderscoreTls_andIgnoresInvalid() throws Exception {
        MtaStsFakeDns dns = new MtaStsFakeDns()
                .publishTxt("_smtp._tls.example.com", "v=TLSRPTv1; rua=mailto:tls@example.com")
                .publishTxt("_smtp._tls.example.org", "v=TLSRPTv1; rua=gopher://x");

        assertThat(TlsRptRecord.lookup(dns, "example.com").orElseThrow().ruas())
                .containsExactly(URI.create("mailto:tls@example.com"));
        assertThat(TlsRptRecord.lookup(dns, "example.org")).isEmpty();
        assertThat(TlsRptRecord.lookup(dns, "example.net")).isEmpty();
        assertThat(dns.txtQueries("_smtp._tls.example.com")).isEqualTo(1);
    }

    @Test
    void lookup_bogusAnswer_isIgnored() throws Exception {
        MtaStsFakeDns dns = new MtaStsFakeDns().txtBogus("_smtp._tls.example.com",
                "v=TLSRPTv1; rua=mailto:attacker@example.net");
        assertThat(TlsRptRecord.lookup(dns, "example.com")).isEmpty();
    }
}
