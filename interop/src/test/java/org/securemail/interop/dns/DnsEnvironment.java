package org.securemail.interop.dns;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.securemail.interop.InteropProperties;
import org.securemail.relay.internal.DnsjavaDns;

/**
 * The DNS side of interop/env/start.sh (NSD with zones signed per run), read from interop.properties. Missing
 * properties make the tests fail, never skip.
 */
final class DnsEnvironment {
    private static DnsEnvironment instance;

    private final InteropProperties p;

    private DnsEnvironment(InteropProperties p) {
        this.p = p;
    }

    static synchronized DnsEnvironment get() {
        if (instance == null) {
            instance = new DnsEnvironment(InteropProperties.load("DNS interop tests need the signed zones NSD serves"));
        }
        return instance;
    }

    String get(String key) {
        return p.get(key);
    }

    int port(String key) {
        return p.port(key);
    }

    InetSocketAddress server() throws IOException {
        return new InetSocketAddress(InetAddress.getByName(get("dns.host")), Integer.parseInt(get("dns.port")));
    }

    String trustAnchors() throws IOException {
        return Files.readString(Path.of(get("dns.trust.anchors.file")), StandardCharsets.US_ASCII);
    }

    /** A resolver that asks NSD and validates from the test zone's anchor. */
    DnsjavaDns dns() throws IOException {
        return DnsjavaDns.builder().servers(server()).trustAnchors(trustAnchors()).timeout(Duration.ofSeconds(2))
                .build();
    }

    /** SHA-256 of a PEM certificate's SubjectPublicKeyInfo (TLSA selector 1, matching type 1). */
    static byte[] spkiSha256(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return MessageDigest.getInstance("SHA-256").digest(c.getPublicKey().getEncoded());
        }
    }
}
