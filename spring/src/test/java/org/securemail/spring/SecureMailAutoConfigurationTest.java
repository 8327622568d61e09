package org.securemail.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.Session;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.securemail.policy.SecurityMode;
import org.securemail.spring.internal.MailConfigurationException;
import org.securemail.spring.internal.MailConfigurationFailureAnalyzer;
import org.securemail.testing.HostileImapServer;
import org.securemail.testing.HostilePop3Server;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.transport.ImapFetcher;
import org.securemail.transport.MailListener;
import org.securemail.transport.MailSecurityException;
import org.securemail.transport.Pop3Fetcher;
import org.securemail.transport.SmtpSender;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.mail.autoconfigure.MailHealthContributorAutoConfiguration;
import org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration;
import org.springframework.boot.mail.autoconfigure.MailSenderValidatorAutoConfiguration;
import org.springframework.boot.mail.health.MailHealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * The auto-configuration in an application context, the way Boot assembles it, against hostile servers on this
 * machine: what reached each server's wire decides every test.
 */
class SecureMailAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, SecureMailAutoConfiguration.class,
                    MailSenderAutoConfiguration.class, MailSenderValidatorAutoConfiguration.class,
                    MailHealthContributorAutoConfiguration.class));

    private static SimpleMailMessage message() {
        SimpleMailMessage m = new SimpleMailMessage();
        m.setFrom("app@example.test");
        m.setTo("user@example.test");
        m.setSubject("Welcome");
        m.setText("Hello from Spring Boot.\n");
        return m;
    }

    @Test
    void defaultWiring_sendsThroughSecureMail_authOnlyInsideTls() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            runner.withPropertyValues(Fixtures.smtp(server.port())).run(context -> {
                assertThat(context).hasSingleBean(JavaMailSender.class).hasSingleBean(SmtpSender.class);
                JavaMailSender mail = context.getBean(JavaMailSender.class);
                assertThat(mail).isInstanceOf(SecureJavaMailSender.class);

                mail.send(message());

                assertThat(server.messages()).singleElement().asString().contains("Subject: Welcome");
                assertThat(server.cleartextLines()).anyMatch(l -> l.startsWith("STARTTLS"));
                assertThat(server.tlsLines()).anyMatch(l -> l.startsWith("AUTH "))
                        .anyMatch(l -> l.startsWith("MAIL FROM:<app@example.test>"));
                Fixtures.assertNothingSecretInCleartext(server);
            });
        }
    }

    @Test
    void smtpSenderBean_pooled_deliversWithAReport() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            runner.withPropertyValues(Fixtures.smtp(server.port(), "securemail.smtp.pool-size=2")).run(context -> {
                SmtpSender sender = context.getBean(SmtpSender.class);
                jakarta.mail.internet.MimeMessage m = new jakarta.mail.internet.MimeMessage(sender.session());
                m.setFrom("app@example.test");
                m.setRecipients(jakarta.mail.Message.RecipientType.TO, "user@example.test");
                m.setText("pooled");

                assertThat(sender.send(m).isEncrypted()).isTrue();
                assertThat(server.messages()).hasSize(1);
            });
        }
    }

    @Test
    void setJavaMailPropertiesAfterTheSession_failsLoudly_andNothingIsSent() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            runner.withPropertyValues(Fixtures.smtp(server.port())).run(context -> {
                JavaMailSenderImpl mail = context.getBean(JavaMailSenderImpl.class);
                Properties plain = new Properties();
                plain.put("mail.smtp.auth", "true");

                // The pitfall: on a plain JavaMailSenderImpl this drops the session, and the next send builds a plain
                // Angus one that sends AUTH, the password and the message in cleartext.
                assertThatThrownBy(() -> mail.setJavaMailProperties(plain))
                        .isInstanceOf(UnsupportedOperationException.class)
                        .hasMessageStartingWith("setJavaMailProperties(...) is refused on the SecureMail"
                                + " JavaMailSender: it would replace the session whose transport enforces the TLS"
                                + " policy; ");
                assertThatThrownBy(() -> mail.setSession(Session.getInstance(plain)))
                        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("setSession(...)");
                assertThatThrownBy(() -> mail.setProtocol("smtp")).isInstanceOf(UnsupportedOperationException.class);
                assertThatThrownBy(() -> mail.setHost("other.example"))
                        .isInstanceOf(UnsupportedOperationException.class);
                assertThatThrownBy(() -> mail.setPort(25)).isInstanceOf(UnsupportedOperationException.class);
                assertThatThrownBy(() -> mail.setPassword("x")).isInstanceOf(UnsupportedOperationException.class);
                mail.setDefaultEncoding("UTF-8");
                assertThat(server.connections()).isZero();
                assertThat(server.lines()).isEmpty();

                mail.send(message());

                assertThat(server.messages()).hasSize(1);
                assertThat(server.tlsLines()).anyMatch(l -> l.startsWith("AUTH "));
                Fixtures.assertNothingSecretInCleartext(server);
            });
        }
    }

    @Test
    void strippedStarttls_testConnectionFailsStartup_withTheReason_andNothingLeaves() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).offerStartTls(false)
                .authBeforeTls(true).start()) {
            runner.withPropertyValues(Fixtures.smtp(server.port(), "spring.mail.test-connection=true"))
                    .run(context -> {
                        assertThat(context).hasFailed();
                        Throwable cause = context.getStartupFailure();
                        while (cause != null && !(cause instanceof MailSecurityException)) {
                            cause = cause.getCause();
                        }
                        assertThat(cause).isInstanceOfSatisfying(MailSecurityException.class, e -> {
                            assertThat(e.reason()).isEqualTo(MailSecurityException.Reason.STARTTLS_NOT_OFFERED);
                            assertThat(e.getMessage()).startsWith("localhost:" + server.port()
                                    + " did not offer STARTTLS (mode STARTTLS_REQUIRED)");
                        });
                    });
            assertThat(server.tlsLines()).isEmpty();
            Fixtures.assertNothingSecretInCleartext(server);
        }
    }

    @Test
    void healthIndicator_upWhenTlsWorks_downWithTheReasonWhenStarttlsIsStripped() {
        try (HostileSmtpServer good = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            runner.withPropertyValues(Fixtures.smtp(good.port())).run(context -> {
                Health health = context.getBean(MailHealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails()).containsEntry("location", "localhost:" + good.port());
            });
        }
        try (HostileSmtpServer stripped = HostileSmtpServer.builder(Fixtures.SERVER_TLS).offerStartTls(false)
                .authBeforeTls(true).start()) {
            runner.withPropertyValues(Fixtures.smtp(stripped.port())).run(context -> {
                Health health = context.getBean(MailHealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                assertThat(String.valueOf(health.getDetails().get("error")))
                        .contains(MailSecurityException.class.getName())
                        .contains("did not offer STARTTLS (mode STARTTLS_REQUIRED)");
            });
            Fixtures.assertNothingSecretInCleartext(stripped);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "spring.mail.properties.mail.smtp.ssl.trust=*|spring.mail.properties.mail.smtp.ssl.trust"
                + "|spring.mail.ssl.bundle",
        "spring.mail.properties.mail.smtp.socketFactory.class=javax.net.ssl.SSLSocketFactory"
                + "|spring.mail.properties.mail.smtp.socketFactory.class|spring.mail.ssl.bundle",
        "spring.mail.properties.mail.smtp.starttls.enable=false|spring.mail.properties.mail.smtp.starttls.enable"
                + "|STARTTLS is always required",
        "spring.mail.properties.mail.smtp.ssl.protocols=TLSv1|spring.mail.properties.mail.smtp.ssl.protocols"
                + "|securemail.policy",
        "spring.mail.properties.mail.smtp.ssl.checkserveridentity=false"
                + "|spring.mail.properties.mail.smtp.ssl.checkserveridentity|host names are always verified",
        "spring.mail.properties.mail.smtp.connectiontimeout=1000|spring.mail.properties.mail.smtp.connectiontimeout"
                + "|securemail.timeouts.connect",
        "spring.mail.ssl.verify-hostname=false|spring.mail.ssl.verify-hostname|securemail.smtp.pins",
        "spring.mail.jndi-name=java:comp/env/mail/Session|spring.mail.jndi-name|spring.mail.host",
        "spring.mail.protocol=lmtp|spring.mail.protocol|smtps",
        "securemail.policy=LEGACY|securemail.policy|COMPATIBLE",
        "securemail.smtp.mode=STARTTLS_OPPORTUNISTIC|securemail.smtp.mode|credentials are never sent",
        "securemail.smtp.pins=sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=|securemail.smtp.pins|Choose one",
        "securemail.smtp.pool-size=0|securemail.smtp.pool-size|between 1 and 100",
    })
    void insecureOrUnknownSetting_failsStartup_withAnAnalysisNamingWhatToUse(String setting, String key,
                                                                              String action) {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            runner.withPropertyValues(Fixtures.smtp(server.port(), setting)).run(context -> {
                assertThat(context).hasFailed();
                FailureAnalysis analysis = new MailConfigurationFailureAnalyzer()
                        .analyze(context.getStartupFailure());
                assertThat(analysis).isNotNull();
                assertThat(analysis.getDescription()).startsWith("SecureMail refused the mail setting " + key + ": ");
                assertThat(analysis.getDescription() + " " + analysis.getAction()).contains(action);
                assertThat(analysis.getCause()).isInstanceOf(MailConfigurationException.class);
            });
            assertThat(server.connections()).isZero();
        }
    }

    @Test
    void redundantStarttlsAndAuthSwitches_areAccepted_soACommonBootConfigNeedsNoChange() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            runner.withPropertyValues(Fixtures.smtp(server.port(),
                    "spring.mail.properties.mail.smtp.auth=true",
                    "spring.mail.properties.mail.smtp.starttls.enable=true",
                    "spring.mail.properties.mail.smtp.starttls.required=true",
                    "spring.mail.properties.mail.mime.charset=UTF-8")).run(context -> {
                        context.getBean(JavaMailSender.class).send(message());
                        assertThat(server.messages()).hasSize(1);
                        Fixtures.assertNothingSecretInCleartext(server);
                    });
        }
    }

    @Test
    void implicitTls_fromBootsSslEnabled_noCleartextAtAll() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).implicitTls(true).start()) {
            runner.withPropertyValues(Fixtures.smtp(server.port(), "spring.mail.ssl.enabled=true")).run(context -> {
                context.getBean(JavaMailSender.class).send(message());
                assertThat(context.getBean(SmtpSender.class).session().getProperty("mail.smtp.ssl.enable"))
                        .isEqualTo("true");
                assertThat(server.messages()).hasSize(1);
                assertThat(server.cleartextLines()).isEmpty();
            });
        }
    }

    @Test
    void metrics_carryTheNegotiatedTls_andCountRefusals() {
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                    .withPropertyValues(Fixtures.smtp(server.port())).run(context -> {
                        context.getBean(JavaMailSender.class).send(message(), message());
                        MeterRegistry registry = context.getBean(MeterRegistry.class);

                        var timer = registry.get("securemail.deliveries").timer();
                        assertThat(timer.count()).isEqualTo(2);
                        assertThat(timer.getId().getTag("tls.version")).isIn("TLSv1.2", "TLSv1.3");
                        assertThat(timer.getId().getTag("cipher.suite")).startsWith("TLS_");
                        assertThat(timer.getId().getTag("mode")).isEqualTo("STARTTLS_REQUIRED");
                        assertThat(timer.getId().getTag("server")).isEqualTo("localhost:" + server.port());
                        assertThat(registry.find("securemail.deliveries").tag("tls.version", "none").timer())
                                .isNull();
                        assertThat(registry.get("securemail.events").tag("event", "connected").counter().count())
                                .isEqualTo(1);
                    });
        }
        try (HostileSmtpServer stripped = HostileSmtpServer.builder(Fixtures.SERVER_TLS).offerStartTls(false)
                .start()) {
            runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                    .withPropertyValues(Fixtures.smtp(stripped.port())).run(context -> {
                        assertThatThrownBy(() -> context.getBean(JavaMailSender.class).send(message()))
                                .hasRootCauseInstanceOf(MailSecurityException.class);
                        MeterRegistry registry = context.getBean(MeterRegistry.class);
                        assertThat(registry.get("securemail.events").tag("event", "refused")
                                .tag("reason", "STARTTLS_NOT_OFFERED").tag("tls.version", "none").counter().count())
                                .isEqualTo(1);
                    });
        }
    }

    @Test
    void applicationsListenerBeans_hearTheJavaMailSendersEvents() {
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        MailListener listener = new MailListener() {
            @Override
            public void connected(org.securemail.transport.MailEndpoint endpoint) {
                events.add("connected " + endpoint.handshake().isPresent());
            }

            @Override
            public void delivered(org.securemail.transport.DeliveryReport report) {
                events.add("delivered " + report.isEncrypted());
            }
        };
        try (HostileSmtpServer server = HostileSmtpServer.builder(Fixtures.SERVER_TLS).start()) {
            runner.withBean("auditListener", MailListener.class, () -> listener)
                    .withPropertyValues(Fixtures.smtp(server.port())).run(context -> {
                        context.getBean(JavaMailSender.class).send(message());
                        assertThat(events).containsExactly("connected true", "delivered true");
                    });
        }
    }

    @Test
    void metricsDisabled_noListener() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues(Fixtures.smtp(1, "securemail.metrics.enabled=false"))
                .run(context -> assertThat(context).doesNotHaveBean(
                        org.securemail.spring.internal.MailMetrics.class));
    }

    @Test
    void fetchers_fromSecuremailKeys_logInOnlyInsideTls() throws Exception {
        try (HostileImapServer imap = HostileImapServer.builder(Fixtures.SERVER_TLS).messages(2).start();
             HostilePop3Server pop3 = HostilePop3Server.builder(Fixtures.SERVER_TLS).messages(3).start()) {
            List<String> props = new java.util.ArrayList<>(Fixtures.bundle());
            props.addAll(List.of("securemail.imap.host=localhost", "securemail.imap.port=" + imap.port(),
                    "securemail.imap.mode=STARTTLS_REQUIRED", "securemail.imap.username=" + Fixtures.USER,
                    "securemail.imap.password=" + Fixtures.PASSWORD, "securemail.imap.ssl-bundle=mail",
                    "securemail.pop3.host=localhost", "securemail.pop3.port=" + pop3.port(),
                    "securemail.pop3.mode=STARTTLS_REQUIRED", "securemail.pop3.username=" + Fixtures.USER,
                    "securemail.pop3.password=" + Fixtures.PASSWORD, "securemail.pop3.ssl-bundle=mail"));
            runner.withPropertyValues(props.toArray(new String[0])).run(context -> {
                assertThat(context).doesNotHaveBean(JavaMailSender.class);
                assertThat(context.getBean(ImapFetcher.class).folders()).contains("INBOX");
                assertThat(context.getBean(Pop3Fetcher.class).list()).hasSize(3);
                assertThat(context.getBean(Pop3Fetcher.class).endpoint().mode())
                        .isEqualTo(SecurityMode.STARTTLS_REQUIRED);
            });
            for (String form : Fixtures.secretForms()) {
                assertThat(imap.cleartextBytes()).doesNotContain(form);
                assertThat(pop3.cleartextBytes()).doesNotContain(form);
            }
        }
    }

    @Test
    void fetcherWithoutPassword_failsStartupWithItsKey() {
        runner.withPropertyValues("securemail.imap.host=localhost", "securemail.imap.username=alice")
                .run(context -> assertThat(new MailConfigurationFailureAnalyzer()
                        .analyze(context.getStartupFailure()).getDescription())
                        .startsWith("SecureMail refused the mail setting securemail.imap.username: "));
    }

    @Test
    void applicationsOwnJavaMailSender_winsAndTheStarterBacksOff() {
        JavaMailSenderImpl own = new JavaMailSenderImpl();
        runner.withBean("mailSender", JavaMailSender.class, () -> own)
                .withPropertyValues(Fixtures.smtp(1)).run(context -> {
                    assertThat(context.getBean(JavaMailSender.class)).isSameAs(own);
                    assertThat(context).hasSingleBean(SmtpSender.class);
                });
    }

    @Test
    void noMailHost_noMailBeans() {
        runner.run(context -> assertThat(context).doesNotHaveBean(JavaMailSender.class)
                .doesNotHaveBean(SmtpSender.class));
    }
}
