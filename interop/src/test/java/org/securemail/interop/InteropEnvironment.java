package org.securemail.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TrustSource;

/**
 * The real servers started by interop/env/start.sh, as described by its interop.properties. Missing properties make
 * the tests fail, never skip: interop tests must not be reported as passed when they did not run.
 */
final class InteropEnvironment {
    private static InteropEnvironment instance;

    private final InteropProperties p;

    private InteropEnvironment(InteropProperties p) {
        this.p = p;
    }

    static synchronized InteropEnvironment get() {
        if (instance == null) {
            instance = new InteropEnvironment(InteropProperties.load("interop tests need the real mail servers (Postfix, Dovecot, Exim, OpenSMTPD, Cyrus, Courier)"));
        }
        return instance;
    }

    String get(String key) {
        return p.get(key);
    }

    int port(String key) {
        return p.port(key);
    }

    String host() {
        return get("host");
    }

    String user() {
        return get("user");
    }

    char[] password() {
        return get("password").toCharArray();
    }

    String address() {
        return get("mail.address");
    }

    Path maildir() {
        return Path.of(get("maildir"));
    }

    TrustSource trust() {
        return TrustSource.pemFile(Path.of(get("ca.file")));
    }

    TlsPolicy policy(TlsPolicy preset, TlsProvider provider) {
        return preset.toBuilder().trust(trust()).provider(provider).build();
    }
}
