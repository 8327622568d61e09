package org.securemail.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code securemail} command: send, fetch and probe under the policy an application enforces. */
@Command(name = "securemail", mixinStandardHelpOptions = true, version = "securemail 0.1.0",
        description = "Send, fetch and probe mail servers under exactly the TLS policy SecureMail enforces in"
                + " applications. Passwords are never taken from the command line and never printed.",
        subcommands = {SendCommand.class, FetchCommand.class, ProbeCommand.class, DemoCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:anything else (for send: the connection was lost after the whole message went out, so the server may"
                + " or may not have it)",
            "2:usage error (bad option, unreadable file, invalid message)",
            "3:refused for security (no STARTTLS, TLS below the policy, bad certificate, ...)",
            "4:transient failure: retry later (4xx reply, timeout, connection refused)",
            "5:permanent failure (5xx reply, credentials rejected)"})
public final class Main implements Runnable {
    InputStream stdin = System.in;
    Function<String, String> environment = System::getenv;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs the tool and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(commandLine(new Main(), out, err).execute(args));
    }

    static CommandLine commandLine(Main main, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(main);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("securemail: " + Outcomes.type(e) + ": " + e.getMessage());
            return Outcomes.exitCode(e);
        });
        return cl;
    }
}
