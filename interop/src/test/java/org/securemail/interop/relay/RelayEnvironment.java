package org.securemail.interop.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.securemail.interop.InteropProperties;

/**
 * What the relay tests use of interop/env/start.sh's environment, read from interop.properties: NSD with the zones
 * signed for this run and its trust anchor, Postfix's MX listeners and the Maildir they deliver into, Postfix's log and
 * the per-run CA. Missing properties make the tests fail, never skip.
 */
final class RelayEnvironment {
    private static RelayEnvironment instance;

    private final InteropProperties p;

    private RelayEnvironment(InteropProperties p) {
        this.p = p;
    }

    static synchronized RelayEnvironment get() {
        if (instance == null) {
            instance = new RelayEnvironment(InteropProperties.load("relay interop tests need NSD and Postfix"));
        }
        return instance;
    }

    String get(String key) {
        return p.get(key);
    }

    int port(String key) {
        return p.port(key);
    }

    InetSocketAddress dnsServer() throws IOException {
        return new InetSocketAddress(InetAddress.getByName(get("dns.host")), port("dns"));
    }

    String dnsTrustAnchors() throws IOException {
        return Files.readString(Path.of(get("dns.trust.anchors.file")), StandardCharsets.US_ASCII);
    }

    String caPem() throws IOException {
        return Files.readString(Path.of(get("ca.file")), StandardCharsets.US_ASCII);
    }

    /** The Maildir into which Postfix delivers everything addressed to the test zones' domains. */
    Path relayMaildir() {
        return Path.of(get("relay.maildir"));
    }

    Path postfixLog() {
        return Path.of(get("log.postfix"));
    }

    String secureZone() {
        return get("dns.zone.secure");
    }

    String insecureZone() {
        return get("dns.zone.insecure");
    }

    String bogusZone() {
        return get("dns.zone.bogus");
    }
}
