package org.securemail.testing.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.securemail.testing.TestPki;

/**
 * An {@code openssl s_server} process on 127.0.0.1, port 0, for weaknesses the test JVM must not be configured to
 * offer (TLS 1.0/1.1, static RSA, 1024-bit DH). It runs with {@code OPENSSL_CONF=/dev/null} so that the machine's
 * OpenSSL defaults do not hide the weakness, and is killed on {@link #close()}.
 */
public final class OpensslServer implements AutoCloseable {
    private static final Pattern ACCEPT = Pattern.compile("ACCEPT 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final int port;
    private final StringBuffer output = new StringBuffer();
    private final Path directory;

    private OpensslServer(TestPki.Issued identity, List<String> options) throws IOException, InterruptedException {
        directory = Files.createTempDirectory("securemail-openssl");
        Path cert = directory.resolve("chain.pem");
        Path key = directory.resolve("key.pem");
        Files.writeString(cert, identity.chainPem(), StandardCharsets.US_ASCII);
        Files.writeString(key, identity.keyPem(), StandardCharsets.US_ASCII);
        List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:0",
                "-cert", cert.toString(), "-key", key.toString()));
        if (identity.chain().size() > 1) {
            Path extra = directory.resolve("extra.pem");
            Files.writeString(extra, TestPki.pem(identity.chain().subList(1, identity.chain().size())),
                    StandardCharsets.US_ASCII);
            command.addAll(List.of("-cert_chain", extra.toString()));
        }
        command.addAll(options);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("OPENSSL_CONF", "/dev/null");
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("openssl is not installed: the weak-server tests need Debian's openssl"
                    + " package (apt-get install openssl)", e);
        }
        CompletableFuture<Integer> portFound = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.append(line).append('\n');
                    Matcher m = ACCEPT.matcher(line);
                    if (m.find()) {
                        portFound.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
            portFound.complete(-1);
        }, "openssl-s_server-output");
        reader.setDaemon(true);
        reader.start();
        int p;
        try {
            p = portFound.get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            p = -1;
        }
        if (p <= 0) {
            process.destroyForcibly();
            throw new IllegalStateException("openssl s_server did not start: " + command + "\n" + output);
        }
        this.port = p;
    }

    /**
     * Starts {@code openssl s_server} with the given identity and options.
     *
     * @param identity the certificate chain and key
     * @param options further s_server options, e.g. {@code "-tls1", "-cipher", "ALL:@SECLEVEL=0"}
     * @return the running server
     */
    public static OpensslServer start(TestPki.Issued identity, String... options) {
        try {
            return new OpensslServer(identity, List.of(options));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start openssl s_server: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /** @return what the server printed so far */
    public String output() {
        return output.toString();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.list(directory)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(directory);
        } catch (IOException ignored) {
            // temp files
        }
    }
}
