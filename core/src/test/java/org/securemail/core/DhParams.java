package org.securemail.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Generates weak DH parameters with openssl once per test run (only a deliberately weak server uses them). */
final class DhParams {
    private static Path file;

    private DhParams() {
    }

    static synchronized Path file(int bits) throws IOException, InterruptedException {
        if (file == null) {
            Path f = Files.createTempFile("securemail-dh" + bits, ".pem");
            f.toFile().deleteOnExit();
            Process p = new ProcessBuilder("openssl", "dhparam", "-out", f.toString(), Integer.toString(bits))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl dhparam " + bits + " failed");
            }
            file = f;
        }
        return file;
    }
}
