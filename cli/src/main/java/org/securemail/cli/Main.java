package org.securemail.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code securemail} command: send, fetch and probe under the policy an application enforces. */
@Command(name = "securemail", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Send, relay, fetch and probe mail servers under exactly the TLS policy SecureMail enforces"
                + " in applications. Passwords are never taken from the command line and never printed.",
        subcommands = {SendCommand.class, RelayCommand.class, FetchCommand.class, ProbeCommand.class, DemoCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:anything else (for send: the connection was lost after the whole message went out, so the server may"
                + " or may not have it)",
            "2:usage error (bad option, unreadable file, invalid message)",
            "3:refused for security (no STARTTLS, TLS below the policy, bad certificate, DANE or MTA-STS failed, ...)",
            "4:transient failure: retry later (4xx reply, timeout, connection refused)",
            "5:permanent failure (5xx reply, credentials rejected)"})
public final class Main implements Runnable {
    InputStream stdin = System.in;
    /** Where fetch --uid prints a message: raw bytes, not text. */
    OutputStream stdout = System.out;
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
        Main main = new Main();
        // Not System.out: a PrintStream hides write errors, and a message cut short on its way out must fail.
        main.stdout = new FileOutputStream(FileDescriptor.out);
        System.exit(commandLine(main, out, err).execute(args));
    }

    static CommandLine commandLine(Main main, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(main);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("securemail: " + Outcomes.type(e) + ": " + Hints.forCli(e.getMessage()));
            return Outcomes.exitCode(e);
        });
        return cl;
    }

    /** The version the tool was built as, from a resource the build fills in, and the Java it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"securemail " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }

        static String version() {
            try (InputStream in = Main.class.getResourceAsStream("securemail-version.properties")) {
                if (in != null) {
                    java.util.Properties p = new java.util.Properties();
                    p.load(in);
                    String v = p.getProperty("version", "").trim();
                    if (!v.isEmpty() && !v.contains("${")) {
                        return v;
                    }
                }
            } catch (IOException e) {
                // fall back to the manifest
            }
            String manifest = Main.class.getPackage().getImplementationVersion();
            return manifest != null ? manifest : "unknown (not built by Maven)";
        }
    }

    /**
     * Reports a command line picocli cannot parse. Picocli's own message for unknown arguments repeats them all, and
     * the value after a mistyped {@code --password} is a password: name only the unknown options, without values.
     */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        if (e instanceof CommandLine.UnmatchedArgumentException) {
            List<String> unmatched = ((CommandLine.UnmatchedArgumentException) e).getUnmatched();
            List<String> options = new ArrayList<>();
            for (String arg : unmatched) {
                if (arg.startsWith("-")) {
                    int eq = arg.indexOf('=');
                    options.add(eq < 0 ? arg : arg.substring(0, eq) + "=...");
                }
            }
            int values = unmatched.size() - options.size();
            StringBuilder msg = new StringBuilder("securemail ").append(cl.getCommandName()).append(": ");
            if (options.isEmpty()) {
                msg.append(values).append(" unexpected argument").append(values == 1 ? "" : "s");
            } else {
                msg.append("unknown option").append(options.size() == 1 ? " " : "s ").append(String.join(", ", options));
                if (values > 0) {
                    msg.append(" (and ").append(values).append(" value").append(values == 1 ? "" : "s")
                            .append(", not repeated here)");
                }
            }
            err.println(msg);
            if (options.stream().anyMatch(o -> o.toLowerCase(Locale.ROOT).matches(".*(pass|secret|token).*"))) {
                err.println("Secrets are never taken from the command line: use --password-env VAR, --password-file"
                        + " FILE or --oauth2-token-file FILE.");
            }
        } else {
            err.println("securemail " + cl.getCommandName() + ": " + e.getMessage());
        }
        err.println("Try 'securemail " + (cl.getParent() == null ? "" : cl.getCommandName() + " ") + "--help'.");
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }
}
