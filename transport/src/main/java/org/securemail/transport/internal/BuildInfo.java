package org.securemail.transport.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version SecureMail was built as: from {@code securemail-version.properties}, which the build fills in, else
 * from the jar manifest's {@code Implementation-Version}, else {@value #UNKNOWN} (classes compiled without Maven).
 */
public final class BuildInfo {
    /** What {@link #version()} returns when neither the build's resource nor a manifest tells. */
    public static final String UNKNOWN = "unknown";

    private static final String VERSION = read();

    private BuildInfo() {
    }

    /**
     * Returns the version SecureMail was built as, e.g. {@code 0.1.0} or {@code 0.2.0-SNAPSHOT}.
     *
     * @return the version, or {@value #UNKNOWN}
     */
    public static String version() {
        return VERSION;
    }

    private static String read() {
        String version = null;
        try (InputStream in = BuildInfo.class.getResourceAsStream("securemail-version.properties")) {
            version = parse(in);
        } catch (IOException e) {
            // unreadable: try the manifest
        }
        return version != null ? version : orUnknown(BuildInfo.class.getPackage().getImplementationVersion());
    }

    /** Reads the {@code version} property; null when the stream is null or the value was never filled in. */
    static String parse(InputStream in) throws IOException {
        if (in == null) {
            return null;
        }
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version", "").trim();
        return v.isEmpty() || v.contains("${") ? null : v;
    }

    static String orUnknown(String version) {
        return version == null || version.isBlank() ? UNKNOWN : version.trim();
    }
}
