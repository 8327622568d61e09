package org.securemail.bench;

import java.nio.file.Path;

/** How the harness starts other JVMs (the sink, P4's clients): this JVM's own {@code java} and class path. */
final class Jvm {
    private Jvm() {
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String classPath() {
        return System.getProperty("java.class.path");
    }
}
