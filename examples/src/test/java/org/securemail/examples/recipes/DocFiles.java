package org.securemail.examples.recipes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's docs/ directory from the module the tests run in. */
final class DocFiles {
    private DocFiles() {
    }

    static Path docs() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docs/errors.md")) && Files.isDirectory(p.resolve("examples"))) {
                return p.resolve("docs");
            }
        }
        throw new IllegalStateException("docs/errors.md not found above " + Path.of("").toAbsolutePath());
    }

    static String read(String name) throws IOException {
        return Files.readString(docs().resolve(name), StandardCharsets.UTF_8);
    }
}
