package org.securemail.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole harness in its smoke mode: a sink in its own JVM, every workload with a round or two, P4's forked JVMs.
 * It asserts that everything ran and added up, never a timing.
 */
class HarnessSmokeTest {
    @Test
    void harness_smokeRun_everyWorkloadRunsAndTheSinkCountsEveryMessage(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Path report = dir.resolve("report.md");
        int exit;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            exit = Bench.run(new String[] {"--smoke", "--out", report.toString()}, out);
        }
        String text = buffer.toString(StandardCharsets.UTF_8);

        assertThat(exit).as(text).isZero();
        assertThat(text).contains("== P0 ", "== P1 ", "== P2 ", "== P3 ", "== P4 ", "== P5 ", "== PL ")
                .contains("skipped: no Dovecot")
                .doesNotContain("FAILED", "the sink counted", "crashed", "timeout");
        assertThat(text).contains("SecureMail SmtpSender (pooled)", "raw Angus as shipped, Transport.send",
                "SecureMail new SmtpSender per message", "SecureMail, Bouncy Castle, TLS 1.2, resumed");
        assertThat(Files.readString(report)).contains("| workload | measured (this run) | target |", "### P4");
    }

    @Test
    void harness_unknownArgument_printsUsageAndExits2() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int exit;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            exit = Bench.run(new String[] {"--fast"}, out);
        }

        assertThat(exit).isEqualTo(2);
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("unknown argument --fast", "usage: bench/run.sh");
    }
}
