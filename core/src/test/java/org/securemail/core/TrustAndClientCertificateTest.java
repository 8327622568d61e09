package org.securemail.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.securemail.policy.ClientCertificate;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TrustSource;
import org.securemail.testing.TestPki;

/**
 * The policy module's trust sources and client certificates, with certificates from the test kit's PKI. It lives here
 * because the test kit depends on the policy module (it hands tests a TlsPolicy), so the policy module's own tests
 * cannot use it.
 */
class TrustAndClientCertificateTest {
    private static TestPki pki;

    @BeforeAll
    static void pki() {
        pki = TestPki.create("Policy");
    }

    @Test
    void pem_parsesEveryCertificate_andEqualsTheSameCertificates() {
        String bundle = pki.rootPem() + TestPki.pem(pki.intermediateCertificate());
        TrustSource pem = TrustSource.pem(bundle);
        assertThat(pem.kind()).isEqualTo(TrustSource.Kind.CERTIFICATES);
        assertThat(pem.certificates()).containsExactly(pki.rootCertificate(), pki.intermediateCertificate());
        assertThat(pem).isEqualTo(TrustSource.certificates(List.of(pki.rootCertificate(),
                pki.intermediateCertificate())));
        assertThat(pem.toString()).contains("Policy Root CA");
    }

    @Test
    void pemFile_readOnce(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("ca.pem");
        Files.writeString(f, pki.rootPem());
        assertThat(TrustSource.pemFile(f).certificates()).containsExactly(pki.rootCertificate());
        assertThatThrownBy(() -> TrustSource.pemFile(dir.resolve("missing.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot read trust PEM file " + dir.resolve("missing.pem"));
    }

    @Test
    void pem_withoutCertificate_refused() {
        assertThatThrownBy(() -> TrustSource.pem("no pem here"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trust PEM holds no PEM certificate: found 0 PEM block(s) and none is"
                        + " '-----BEGIN CERTIFICATE-----'");
    }

    @Test
    void keyStore_copiesTrustedEntries_only() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("root", pki.rootCertificate());
        TrustSource source = TrustSource.keyStore(ks);
        ks.deleteEntry("root");
        assertThat(source.certificates()).containsExactly(pki.rootCertificate());
        assertThatThrownBy(() -> TrustSource.keyStore(ks))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keyStore has no trusted-certificate entry (private-key entries are not trust anchors)");
    }

    @Test
    void pins_validatedAtOnce() {
        String pin = TrustSource.spkiPin(pki.rootCertificate());
        assertThat(pin).startsWith("sha256/").hasSize(7 + 44);
        assertThat(TrustSource.pinnedKeys(pin).pins()).containsExactly(pin);
        assertThatThrownBy(() -> TrustSource.pinnedKeys("sha1/AAAA"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("pin must start with 'sha256/': sha1/AAAA");
        assertThatThrownBy(() -> TrustSource.pinnedKeys("sha256/AAAA"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pin must hold a 32-byte SHA-256 digest, has 3 bytes: sha256/AAAA");
        assertThatThrownBy(TrustSource::pinnedKeys)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pins is empty: pinnedKeys needs at least one sha256/ pin");
    }

    @Test
    void clientCertificate_fromPemAndKeyStore_neverPrintsKeyMaterial() {
        TestPki.Issued client = pki.leaf().commonName("client").forClient().issue();
        ClientCertificate fromPem = ClientCertificate.fromPem(client.keyPem(), client.chainPem());
        ClientCertificate fromStore = ClientCertificate.fromKeyStore(client.keyStore("pw".toCharArray()), "key",
                "pw".toCharArray());
        assertThat(fromPem).isEqualTo(fromStore);
        assertThat(fromPem.chain()).containsExactlyElementsOf(client.chain());
        assertThat(fromPem.toString()).isEqualTo("ClientCertificate{subject=CN=client,O=SecureMail Tests,"
                + " key=2048-bit RSA}");
        String policy = TlsPolicy.builder().clientCertificate(fromPem).build().toString();
        assertThat(policy).contains("clientCertificate=ClientCertificate{subject=CN=client")
                .doesNotContain(client.keyPem().substring(30, 60));
    }

    @Test
    void clientCertificate_weakKey_refused() {
        TestPki.Issued weak = pki.leaf().commonName("weak").rsa(1024).forClient().issue();
        assertThatThrownBy(() -> ClientCertificate.of(weak.privateKey(), weak.chain()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("client certificate CN=weak,O=SecureMail Tests key is not allowed: 1024-bit RSA;"
                        + " RSA keys must have at least 2048 bits");
    }

    @Test
    void clientCertificate_mismatchedOrEncryptedKey_refused() {
        TestPki.Issued rsa = pki.leaf().forClient().issue();
        TestPki.Issued ec = pki.leaf().ec("secp256r1").signatureAlgorithm("SHA256withRSA").forClient().issue();
        assertThatThrownBy(() -> ClientCertificate.of(ec.privateKey(), rsa.chain()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("privateKey does not match the leaf certificate: key is EC, certificate key is RSA");
        assertThatThrownBy(() -> ClientCertificate.fromPem("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
                + "-----END ENCRYPTED PRIVATE KEY-----\n", rsa.chainPem()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("private key PEM is encrypted, which is not supported");
        assertThatThrownBy(() -> ClientCertificate.fromKeyStore(rsa.keyStore("pw".toCharArray()), "nope",
                "pw".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keyStore has no private-key entry under alias 'nope'");
    }
}
