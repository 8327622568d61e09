package org.securemail.interop.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.securemail.policy.TlsaRecord;
import org.securemail.relay.internal.DnsAnswer;
import org.securemail.relay.internal.DnsjavaDns;
import org.securemail.relay.internal.MxHost;
import org.securemail.relay.internal.MxHosts;
import org.securemail.relay.internal.MxRecord;
import org.securemail.relay.internal.MxResolution;
import org.securemail.relay.internal.MxResolutionException;

/**
 * DnsjavaDns and MxHosts against a real authoritative server (NSD) serving zones signed for this run: validation
 * succeeds only from the test trust anchor, an insecure delegation stays insecure, and a zone whose DS names another
 * key is bogus.
 */
class DnsSignedZonesTest {

    private static DnsEnvironment env;
    private static DnsjavaDns dns;
    private static String secure;
    private static String insecure;
    private static String bogus;
    private static InetAddress mailHost;

    @BeforeAll
    static void environment() throws Exception {
        env = DnsEnvironment.get();
        dns = env.dns();
        secure = env.get("dns.zone.secure");
        insecure = env.get("dns.zone.insecure");
        bogus = env.get("dns.zone.bogus");
        mailHost = InetAddress.getByName(env.get("host"));
    }

    @Test
    void mx_signedZone_secure() throws Exception {
        DnsAnswer<MxRecord> answer = dns.mx(secure);

        assertThat(answer.status()).isEqualTo(DnsAnswer.Status.SECURE);
        assertThat(answer.records()).containsExactly(new MxRecord(10, "mx." + secure));
    }

    @Test
    void addresses_signedZone_secure() throws Exception {
        DnsAnswer<InetAddress> answer = dns.addresses("mx." + secure);

        assertThat(answer.status()).isEqualTo(DnsAnswer.Status.SECURE);
        assertThat(answer.records()).containsExactly(mailHost);
    }

    @Test
    void tlsa_signedZone_secureAndMatchesTheServerCertificatesKey() throws Exception {
        DnsAnswer<TlsaRecord> answer = dns.tlsa("_25._tcp.mx." + secure);

        assertThat(answer.status()).isEqualTo(DnsAnswer.Status.SECURE);
        assertThat(answer.records()).containsExactly(TlsaRecord.of(TlsaRecord.DANE_EE, TlsaRecord.SELECTOR_SPKI,
                TlsaRecord.MATCH_SHA256, DnsEnvironment.spkiSha256(Path.of(env.get("certificate.file")))));
    }

    @Test
    void tlsa_daneTaRecord_namesTheCaKey() throws Exception {
        DnsAnswer<TlsaRecord> answer = dns.tlsa("_25._tcp.mx-ta." + secure);

        assertThat(answer.status()).isEqualTo(DnsAnswer.Status.SECURE);
        assertThat(answer.records()).containsExactly(TlsaRecord.of(TlsaRecord.DANE_TA, TlsaRecord.SELECTOR_SPKI,
                TlsaRecord.MATCH_SHA256, DnsEnvironment.spkiSha256(Path.of(env.get("ca.file")))));
    }

    @Test
    void txt_signedZone_secure() throws Exception {
        DnsAnswer<String> answer = dns.txt("_mta-sts.sts." + secure);

        assertThat(answer.status()).isEqualTo(DnsAnswer.Status.SECURE);
        assertThat(answer.records()).singleElement().asString().startsWith("v=STSv1; id=");
    }

    @Test
    void tlsa_signatureCorruptedAfterSigning_bogusWhileTheHostStaysSecure() throws Exception {
        DnsAnswer<TlsaRecord> tlsa = dns.tlsa("_25._tcp.mx-badsig." + secure);
        DnsAnswer<InetAddress> host = dns.addresses("mx-badsig." + secure);

        assertThat(tlsa.status()).isEqualTo(DnsAnswer.Status.BOGUS);
        assertThat(tlsa.records()).isEmpty();
        assertThat(host.status()).isEqualTo(DnsAnswer.Status.SECURE);
        assertThat(host.records()).containsExactly(mailHost);
    }

    @Test
    void addresses_cnameInSignedZone_secureAtTheTarget() throws Exception {
        DnsAnswer<InetAddress> answer = dns.addresses("alias." + secure);

        assertThat(answer.status()).isEqualTo(DnsAnswer.Status.SECURE);
        assertThat(answer.canonicalName()).isEqualTo("mx." + secure);
        assertThat(answer.records()).containsExactly(mailHost);
    }

    @Test
    void tlsa_missingNameInSignedZone_provenAbsentSecurely() throws Exception {
        DnsAnswer<TlsaRecord> answer = dns.tlsa("_25._tcp.nothing-here." + secure);

        assertThat(answer.status()).isEqualTo(DnsAnswer.Status.SECURE);
        assertThat(answer.nameExists()).isFalse();
        assertThat(answer.records()).isEmpty();
    }

    @Test
    void mxAndTlsa_unsignedDelegation_insecureWithRecords() throws Exception {
        DnsAnswer<MxRecord> mx = dns.mx(insecure);
        DnsAnswer<TlsaRecord> tlsa = dns.tlsa("_25._tcp.mx." + insecure);

        assertThat(mx.status()).isEqualTo(DnsAnswer.Status.INSECURE);
        assertThat(mx.records()).containsExactly(new MxRecord(10, "mx." + insecure));
        assertThat(tlsa.status()).isEqualTo(DnsAnswer.Status.INSECURE);
        assertThat(tlsa.records()).hasSize(1);
    }

    @Test
    void mxAndTlsa_dsNamesAnotherKey_bogusWithoutRecords() throws Exception {
        DnsAnswer<MxRecord> mx = dns.mx(bogus);
        DnsAnswer<TlsaRecord> tlsa = dns.tlsa("_25._tcp.mx." + bogus);

        assertThat(mx.status()).isEqualTo(DnsAnswer.Status.BOGUS);
        assertThat(mx.records()).isEmpty();
        assertThat(tlsa.status()).isEqualTo(DnsAnswer.Status.BOGUS);
        assertThat(tlsa.records()).isEmpty();
    }

    @Test
    void mx_signedZoneButAnotherTrustAnchor_bogusNeverSecure() throws Exception {
        DnsjavaDns wrongAnchor = DnsjavaDns.builder().servers(env.server())
                .trustAnchors(env.get("dns.zone") + ". IN DS 4711 13 2 "
                        + "0000000000000000000000000000000000000000000000000000000000000000")
                .build();

        DnsAnswer<MxRecord> answer = wrongAnchor.mx(secure);

        assertThat(answer.status()).isEqualTo(DnsAnswer.Status.BOGUS);
        assertThat(answer.records()).isEmpty();
    }

    @Test
    void mxHosts_signedZone_hostWithBothStatusesSecure() throws Exception {
        MxResolution r = MxHosts.resolve(dns, secure);

        assertThat(r.implicit()).isFalse();
        assertThat(r.mxStatus()).isEqualTo(DnsAnswer.Status.SECURE);
        assertThat(r.hosts()).containsExactly(new MxHost("mx." + secure, 10, "mx." + secure,
                java.util.List.of(mailHost), DnsAnswer.Status.SECURE));
    }

    @Test
    void mxHosts_nullMx_refusedPermanently() {
        String nullMx = env.get("dns.name.nullmx");

        assertThatThrownBy(() -> MxHosts.resolve(dns, nullMx)).isInstanceOf(MxResolutionException.class)
                .hasMessage("recipient domain " + nullMx + " must accept mail: it publishes a null MX (RFC 7505), it"
                        + " accepts none; the message cannot be delivered")
                .satisfies(e -> assertThat(((MxResolutionException) e).isPermanent()).isTrue());
    }

    @Test
    void mxHosts_noMx_domainItselfSecurely() throws Exception {
        String noMx = env.get("dns.name.nomx");

        MxResolution r = MxHosts.resolve(dns, noMx);

        assertThat(r.implicit()).isTrue();
        assertThat(r.mxStatus()).isEqualTo(DnsAnswer.Status.SECURE);
        assertThat(r.hosts()).extracting(MxHost::name).containsExactly(noMx);
        assertThat(r.hosts().get(0).addressStatus()).isEqualTo(DnsAnswer.Status.SECURE);
    }

    @Test
    void mxHosts_bogusZone_temporaryDnssecFailure() {
        assertThatThrownBy(() -> MxHosts.resolve(dns, bogus)).isInstanceOf(MxResolutionException.class)
                .satisfies(e -> {
                    assertThat(((MxResolutionException) e).reason())
                            .isEqualTo(MxResolutionException.Reason.DNSSEC_BOGUS);
                    assertThat(((MxResolutionException) e).isPermanent()).isFalse();
                });
    }

    @Test
    void mxHosts_nonexistentDomainInSignedZone_permanent() {
        assertThatThrownBy(() -> MxHosts.resolve(dns, "no-such-domain." + secure))
                .isInstanceOf(MxResolutionException.class)
                .satisfies(e -> assertThat(((MxResolutionException) e).reason())
                        .isEqualTo(MxResolutionException.Reason.NO_SUCH_DOMAIN));
    }
}
