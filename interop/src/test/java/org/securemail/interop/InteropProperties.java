package org.securemail.interop;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The interop.properties that interop/env/start.sh writes and ./test.sh passes as {@code -Dinterop.properties}, read
 * once for every test class. A missing file or key fails the test, never skips it: interop tests must not be reported
 * as passed when they did not run.
 */
public final class InteropProperties {
    private static InteropProperties instance;

    private final Properties p;

    private InteropProperties(Properties p) {
        this.p = p;
    }

    /**
     * Returns the properties, read on the first call.
     *
     * @param needs what the calling tests need, for the message when the properties are missing
     * @return the properties
     * @throws IllegalStateException if {@code -Dinterop.properties} is not set or the file cannot be read
     */
    public static synchronized InteropProperties load(String needs) {
        if (instance == null) {
            String file = System.getProperty("interop.properties", "");
            if (file.isBlank()) {
                throw new IllegalStateException("the " + needs + ": run ./test.sh, which installs and starts them"
                        + " (interop/env/start.sh) and passes -Dinterop.properties=WORKDIR/interop.properties");
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + ": " + e, e);
            }
            instance = new InteropProperties(p);
        }
        return instance;
    }

    /**
     * Returns one property.
     *
     * @param key the key
     * @return its value, not blank
     * @throws IllegalStateException if the key is missing (an older start.sh)
     */
    public String get(String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("interop.properties has no " + key + " (an older start.sh?)");
        }
        return v;
    }

    /**
     * Returns a listener's port, the property {@code <key>.port}.
     *
     * @param key the listener's key
     * @return the port
     */
    public int port(String key) {
        return Integer.parseInt(get(key + ".port"));
    }
}
