package org.securemail.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsVersion;
import org.securemail.transport.DeliveryReport;

/** The README's demo keeps working: it delivers over verified TLS and prints what was negotiated. */
class DemoTest {
    @Test
    void demo_deliversOverVerifiedTls_andPrintsTheReport() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DeliveryReport report = Demo.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertThat(report.endpoint().mode()).isEqualTo(SecurityMode.STARTTLS_REQUIRED);
        assertThat(report.endpoint().handshake().orElseThrow().tlsVersion()).isEqualTo(TlsVersion.TLS_1_3);
        assertThat(report.endpoint().handshake().orElseThrow().verifiedHostName()).contains("localhost");
        assertThat(out).contains("Delivered: 250").contains("TLSv1.3").contains("server verified   localhost")
                .contains("Subject: Hello from SecureMail");
    }
}
