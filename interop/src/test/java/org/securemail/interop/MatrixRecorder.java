package org.securemail.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Writes one line per finished matrix test to {@code target/interop-results/results.tsv}: the cell (the display name
 * of a {@link Cell} parameter), PASS or FAIL, and for a failure the first line of what went wrong.
 * {@code interop/matrix.py} turns that file into the interop matrix of docs/testing-your-mail-setup.md, so the matrix
 * only ever shows what a run measured.
 */
final class MatrixRecorder implements TestWatcher {
    static final Path RESULTS = Path.of("target", "interop-results", "results.tsv");

    /** One cell of the matrix; its {@code toString} is the display name and the key the generator reads. */
    record Cell(String server, String protocol, String mode, String provider) {
        @Override
        public String toString() {
            return server + " | " + protocol + " | " + mode + " | " + provider;
        }
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        write(context, "PASS", "");
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        String message = String.valueOf(cause.getMessage()).strip().lines().findFirst().orElse("");
        write(context, "FAIL", cause.getClass().getSimpleName() + ": " + message);
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        write(context, "FAIL", "aborted: " + cause);
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        write(context, "FAIL", "disabled: " + reason.orElse(""));
    }

    private static synchronized void write(ExtensionContext context, String status, String detail) {
        String kind = context.getRequiredTestMethod().getName();
        String line = String.join("\t", context.getDisplayName(), kind, status,
                detail.replace('\t', ' ').replace('\n', ' ')) + "\n";
        try {
            Files.createDirectories(RESULTS.getParent());
            Files.writeString(RESULTS, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
