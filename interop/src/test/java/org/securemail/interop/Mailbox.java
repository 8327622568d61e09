package org.securemail.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/** Looks into alice's Maildir (as Postfix delivered it) for a message carrying a marker. */
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
}
