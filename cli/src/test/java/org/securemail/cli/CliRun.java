package org.securemail.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs the tool in this JVM and keeps what it printed: text, error text, and raw bytes (fetch --uid). */
final class CliRun {
    final int exit;
    final String out;
    final String err;
    final byte[] stdout;

    private CliRun(int exit, String out, String err, byte[] stdout) {
        this.exit = exit;
        this.out = out;
        this.err = err;
        this.stdout = stdout;
    }

    static CliRun run(String... args) {
        return run(Map.of(), args);
    }

    static CliRun run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        Main main = new Main();
        main.stdin = new ByteArrayInputStream("body\n".getBytes(StandardCharsets.UTF_8));
        main.stdout = raw;
        main.environment = env::get;
        int exit = Main.commandLine(main, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new CliRun(exit, out.toString(), err.toString(), raw.toByteArray());
    }

    String stdoutText() {
        return new String(stdout, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
    }
}
