package org.securemail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;

/**
 * The library as JPMS modules: a small named module that requires org.securemail.transport is compiled against the
 * built policy, core and transport modules and run on the module path in a separate JVM, where it sends a message
 * with STARTTLS through a server in this JVM. Proves the module descriptors (exports, the qualified export that lets
 * Jakarta Mail instantiate the hardened transport, the optional Bouncy Castle requires).
 */
class ModulePathTest {

    private static final String MODULE_INFO = "module smoke {\n    requires org.securemail.transport;\n}\n";
    private static final String MAIN = String.join("\n",
            "package smoke;",
            "import jakarta.mail.Message;",
            "import jakarta.mail.Session;",
            "import jakarta.mail.internet.InternetAddress;",
            "import jakarta.mail.internet.MimeMessage;",
            "import java.nio.file.Path;",
            "import java.util.Properties;",
            "import org.securemail.policy.TlsPolicy;",
            "import org.securemail.policy.TlsProvider;",
            "import org.securemail.policy.TrustSource;",
            "import org.securemail.transport.DeliveryReport;",
            "import org.securemail.transport.SecureMail;",
            "import org.securemail.transport.SmtpSender;",
            "public class Main {",
            "    public static void main(String[] args) throws Exception {",
            "        for (TlsProvider provider : TlsProvider.values()) {",
            "            TlsPolicy policy = TlsPolicy.builder().trust(TrustSource.pemFile(Path.of(args[1])))",
            "                    .provider(provider).build();",
            "            try (SmtpSender sender = SecureMail.smtp(\"localhost\").port(Integer.parseInt(args[0]))",
            "                    .policy(policy).build()) {",
            "                MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));",
            "                m.setFrom(new InternetAddress(\"module@example.test\"));",
            "                m.setRecipient(Message.RecipientType.TO, new InternetAddress(\"path@example.test\"));",
            "                m.setSubject(\"from the module path\");",
            "                m.setText(\"hello\");",
            "                DeliveryReport r = sender.send(m);",
            "                System.out.println(\"sent \" + provider + \" \"",
            "                        + r.endpoint().handshake().orElseThrow().tlsVersion()",
            "                        + \" \" + sender.session().getTransport(\"smtp\").getClass().getModule().getName());",
            "            }",
            "        }",
            "    }",
            "}",
            "");

    /** The module path: the securemail modules and their runtime dependencies, from this test's class path. */
    private static String modulePath() {
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String n = e.replace('\\', '/');
            boolean securemail = n.contains("/policy/target/") || n.contains("/core/target/")
                    || n.contains("/transport/target/") || n.contains("securemail-policy")
                    || n.contains("securemail-core") || n.contains("securemail-transport");
            boolean dependency = n.contains("jakarta.mail-api") || n.contains("angus-mail")
                    || n.contains("angus-activation") || n.contains("jakarta.activation-api")
                    || n.contains("slf4j-api") || n.contains("bctls-") || n.contains("bcprov-")
                    || n.contains("bcutil-");
            if ((securemail && !n.contains("test-classes")) || dependency) {
                entries.add(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    @Test
    void namedModule_requiringTransport_sendsWithBothProviders(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src/smoke");
        Files.createDirectories(src.resolve("smoke"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("smoke/Main.java"), MAIN);
        Path out = dir.resolve("out");
        String modulePath = modulePath();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = javac.run(null, null, null, "-d", out.toString(), "--module-path", modulePath,
                "--module-source-path", dir.resolve("src").toString(), "-m", "smoke");
        assertThat(compiled).as("javac on the module path " + modulePath).isZero();

        TestPki pki = TestPki.create("Modules");
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, pki.rootPem());
        try (HostileSmtpServer server = HostileSmtpServer.builder(ServerTls.context(pki.localhostLeaf().issue()))
                .start()) {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(java, "--module-path", modulePath + File.pathSeparator + out,
                    "--add-modules", "org.bouncycastle.tls,org.bouncycastle.provider",
                    "-m", "smoke/smoke.Main", Integer.toString(server.port()), ca.toString())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            List<String> sent = output.lines().filter(l -> l.startsWith("sent ")).collect(Collectors.toList());
            assertThat(sent).as(output).containsExactly("sent JDK TLS_1_3 org.securemail.transport",
                    "sent BOUNCY_CASTLE TLS_1_3 org.securemail.transport");
            assertThat(p.exitValue()).isZero();
            assertThat(server.messages()).hasSize(2).allSatisfy(m -> assertThat(m).contains("from the module path"));
        }
    }
}
