package org.securemail.interop.dns;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
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
import java.util.Properties;
import org.securemail.relay.internal.DnsjavaDns;

/**
 * The DNS side of interop/env/start.sh (NSD with zones signed per run), read from interop.properties. Missing
 * properties make the tests fail, never skip.
 */
final class DnsEnvironment {
    private static DnsEnvironment instance;

    private final Properties p;

    private DnsEnvironment(Properties p) {
        this.p = p;
    }

    static synchronized DnsEnvironment get() {
        if (instance == null) {
            String file = System.getProperty("interop.properties", "");
            if (file.isBlank()) {
                throw new IllegalStateException("the DNS interop tests need the signed zones NSD serves: run ./test.sh,"
                        + " which starts it (interop/env/start.sh) and passes"
                        + " -Dinterop.properties=WORKDIR/interop.properties");
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + ": " + e, e);
            }
            instance = new DnsEnvironment(p);
        }
        return instance;
    }

    String get(String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("interop.properties has no " + key + " (an older start.sh?)");
        }
        return v;
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
