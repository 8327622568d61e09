package org.securemail.interop;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.securemail.policy.TlsPolicy;
import org.securemail.policy.TlsProvider;
import org.securemail.policy.TrustSource;

/**
 * The real servers started by interop/env/start.sh, as described by its interop.properties. Missing properties make
 * the tests fail, never skip: interop tests must not be reported as passed when they did not run.
 */
final class InteropEnvironment {
    private static InteropEnvironment instance;

    private final Properties p;

    private InteropEnvironment(Properties p) {
        this.p = p;
    }

    static synchronized InteropEnvironment get() {
        if (instance == null) {
            String file = System.getProperty("interop.properties", "");
            if (file.isBlank()) {
                throw new IllegalStateException("the interop tests need the real mail servers (Postfix, Dovecot,"
                        + " Exim, OpenSMTPD, Cyrus, Courier): run"
                        + " ./test.sh, which installs and starts them (interop/env/start.sh) and passes"
                        + " -Dinterop.properties=WORKDIR/interop.properties");
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + ": " + e, e);
            }
            instance = new InteropEnvironment(p);
        }
        return instance;
    }

    String get(String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("interop.properties has no " + key);
        }
        return v;
    }

    int port(String key) {
        return Integer.parseInt(get(key + ".port"));
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
