package org.securemail.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/** Looks into a mail store (alice's Maildir as Postfix delivered it, Cyrus's spool) for a message carrying a marker. */
final class Mailbox {
    private Mailbox() {
    }

    /**
     * Waits until Postfix has delivered a message containing the marker: delivery is asynchronous, so this polls the
     * Maildir until the deadline.
     */
    static Optional<String> await(Path maildir, String marker, Duration timeout) throws IOException,
            InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String sub : new String[] {"new", "cur"}) {
                Path dir = maildir.resolve(sub);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        String content = Files.readString(f, StandardCharsets.ISO_8859_1);
                        if (content.contains(marker)) {
                            return Optional.of(content);
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        return Optional.empty();
    }

    /**
     * Waits until a message file anywhere under root contains the marker, polling until the deadline as
     * {@link #await} does. A Cyrus partition keeps each message in a file named by its UID and a dot ("1."); its
     * cache and index files are skipped.
     */
    static Optional<String> awaitInTree(Path root, String marker, Duration timeout) throws IOException,
            InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)
                        .filter(f -> f.getFileName().toString().matches("[0-9]+\\."))::iterator) {
                    String content = Files.readString(f, StandardCharsets.ISO_8859_1);
                    if (content.contains(marker)) {
                        return Optional.of(content);
                    }
                }
            } catch (NoSuchFileException | UncheckedIOException e) {
                // The server renamed or removed a file while we walked its store: look again.
            }
            Thread.sleep(100);
        }
        return Optional.empty();
    }
}
