package org.securemail.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.securemail.examples.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs the embedded demo: an in-JVM SMTP server with STARTTLS, one message sent under the default policy. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start an SMTP server inside this JVM (STARTTLS, certificate generated now), send one message"
                + " through SecureMail under the default policy, and print the report. Needs no outside server.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Demo.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        spec.commandLine().getOut().print(buffer.toString(StandardCharsets.UTF_8));
        spec.commandLine().getOut().flush();
        return Outcomes.OK;
    }
}
