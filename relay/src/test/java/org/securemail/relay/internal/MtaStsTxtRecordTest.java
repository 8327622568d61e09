package org.securemail.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MtaStsTxtRecordTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "v=STSv1; id=20160831085700Z;",
        "v=STSv1;id=20160831085700Z",
        "v=STSv1 ;  id=20160831085700Z ; ",
        "v=STSv1; id=20160831085700Z; ext.name-1=some_value",
        "v=STSv1; foo=bar; id=20160831085700Z",
    })
    void select_validRecord_givesTheId(String record) {
        assertThat(MtaStsTxtRecord.select(List.of(record))).contains(new MtaStsTxtRecord("20160831085700Z"));
    }

    @Test
    void select_otherRecordsBesideOneStsRecord_areDiscarded() {
        assertThat(MtaStsTxtRecord.select(List.of("v=spf1 -all", "v=STSv1; id=abc", "v=STSv10; id=x",
                "hello"))).contains(new MtaStsTxtRecord("abc"));
    }

    @Test
    void select_noStsRecord_isEmpty() {
        assertThat(MtaStsTxtRecord.select(List.of())).isEmpty();
        assertThat(MtaStsTxtRecord.select(List.of("v=spf1 -all", "v=STSv2; id=abc", "V=STSv1; id=abc"))).isEmpty();
    }

    @Test
    void select_twoStsRecords_isRefused() {
        assertThatThrownBy(() -> MtaStsTxtRecord.select(List.of("v=STSv1; id=a", "v=STSv1; id=b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("MTA-STS TXT records must be exactly one beginning with v=STSv1: found 2");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "v=STSv1;",
        "v=STSv1; id=",
        "v=STSv1; id=abc-def",
        "v=STSv1; id=abc def",
        "v=STSv1; id=123456789012345678901234567890123",
        "v=STSv1; id=a; id=b",
        "v=STSv1;; id=a",
        "v=STSv1; id=a; bad ext=1",
        "v=STSv1; id=a; _ext=1",
        "v=STSv1; id=a; novalue",
    })
    void select_badRecord_isRefused(String record) {
        assertThatThrownBy(() -> MtaStsTxtRecord.select(List.of(record)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("MTA-STS TXT record ")
                .hasMessageEndingWith(": \"" + record + "\"");
    }

    @Test
    void ownerName_prefixesTheLabel() {
        assertThat(MtaStsTxtRecord.ownerName("example.com")).isEqualTo("_mta-sts.example.com");
    }
}
