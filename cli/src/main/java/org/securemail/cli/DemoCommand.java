package org.securemail.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Where the demo went. The demo runs an SMTP server with a certificate generated at start, which are test fixtures;
 * securemail.jar ships none of them (tools/release-check.sh checks the jar), so {@code securemail demo} only says how
 * to run the demo from a checkout. Hidden from the help.
 */
@Command(name = "demo", hidden = true, description = "Say how to run the demo (./demo.sh in a SecureMail checkout).")
final class DemoCommand implements Callable<Integer> {
    static final String MOVED = "securemail demo is not part of the command-line tool: securemail.jar ships no test"
            + " server and no certificate generator; run ./demo.sh in a SecureMail checkout instead (README, \"Run the"
            + " demo\")";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println(MOVED);
        return Outcomes.USAGE;
    }
}
