package org.securemail.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.securemail.testing.HostileSmtpServer;
import org.securemail.testing.ServerTls;
import org.securemail.testing.TestPki;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.actuate.endpoint.MetricsEndpoint;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sample application, started whole by Spring Boot (with the actuator), against a hostile SMTP server on this
 * machine: startup's test-connection passes, the welcome mail goes inside TLS only, the health endpoint reports the
 * mail server UP, and the metrics endpoint shows how the mail went.
 */
@SpringBootTest
class SampleMailApplicationTest {
    private static final TestPki PKI = TestPki.create("Sample");
    private static final HostileSmtpServer SERVER = HostileSmtpServer.builder(ServerTls.context(
            PKI.localhostLeaf().issue())).start();

    @DynamicPropertySource
    static void mailServer(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "localhost");
        registry.add("spring.mail.port", SERVER::port);
        registry.add("spring.ssl.bundle.pem.mail.truststore.certificate", PKI::rootPem);
    }

    @AfterAll
    static void stop() {
        SERVER.close();
    }

    @Autowired
    WelcomeMailer mailer;
    @Autowired
    HealthEndpoint health;
    @Autowired
    MetricsEndpoint metrics;

    @Test
    void welcomeMail_goesInsideTls_healthUp_metricsShowTheShareEncrypted() {
        mailer.welcome("new.user@example.test");

        assertThat(SERVER.messages()).singleElement().asString().contains("Subject: Welcome aboard");
        assertThat(SERVER.tlsLines()).anyMatch(l -> l.startsWith("AUTH "))
                .anyMatch(l -> l.startsWith("RCPT TO:<new.user@example.test>"));
        assertThat(SERVER.cleartextLines()).noneMatch(l -> l.startsWith("AUTH") || l.startsWith("MAIL"));
        assertThat(SERVER.cleartextBytes()).doesNotContain("s3cret-Spring-Passw0rd").doesNotContain("Welcome aboard");

        IndicatedHealthDescriptor mail = (IndicatedHealthDescriptor) health.healthForPath("mail");
        assertThat(mail.getStatus()).isEqualTo(Status.UP);

        // What docs/spring-boot.md shows: all deliveries, then those without TLS (tls.version:none).
        MetricsEndpoint.MetricDescriptor all = metrics.metric("securemail.deliveries", List.of());
        assertThat(all.getMeasurements()).filteredOn(s -> s.getStatistic().name().equals("COUNT"))
                .singleElement().extracting(MetricsEndpoint.Sample::getValue).isEqualTo(1.0);
        assertThat(all.getAvailableTags()).anyMatch(t -> t.getTag().equals("tls.version"));
        assertThat(metrics.metric("securemail.deliveries", List.of("tls.version:none"))).isNull();
    }
}
