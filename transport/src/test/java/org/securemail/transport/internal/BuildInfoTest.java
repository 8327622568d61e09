package org.securemail.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Provider;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.securemail.transport.Credentials;
import org.securemail.transport.ImapFetcher;
import org.securemail.transport.SecureMail;

/** The version comes from the build, and every SecureMail provider in a session reports it. */
class BuildInfoTest {
    /** Set by the parent pom's surefire configuration to the project's version. */
    private static final String EXPECTED = System.getProperty("securemail.expectedVersion");

    @Test
    void version_builtByMaven_isTheProjectVersion() {
        assertThat(EXPECTED).as("surefire passes the project version").isNotBlank().doesNotContain("${");
        assertThat(BuildInfo.version()).isEqualTo(EXPECTED);
    }

    @Test
    void sessionProviders_reportTheBuildVersion() {
        Provider smtp = provider(SecureMail.smtp("localhost").buildSession(), "smtp");
        assertThat(smtp.getVendor()).isEqualTo("SecureMail");
        assertThat(smtp.getVersion()).isEqualTo(EXPECTED);
        try (ImapFetcher imap = SecureMail.imap("localhost")
                .credentials(Credentials.password("alice", "unused".toCharArray())).build()) {
            assertThat(provider(imap.session(), "imap").getVersion()).isEqualTo(EXPECTED);
        }
    }

    private static Provider provider(jakarta.mail.Session session, String protocol) {
        try {
            return session.getProvider(protocol);
        } catch (jakarta.mail.NoSuchProviderException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void parse_unfilledOrMissingResource_givesNothing() throws Exception {
        assertThat(BuildInfo.parse(null)).isNull();
        assertThat(BuildInfo.parse(stream("version=${project.version}\n"))).isNull();
        assertThat(BuildInfo.parse(stream("# nothing\n"))).isNull();
        assertThat(BuildInfo.parse(stream("version= 1.2.3 \n"))).isEqualTo("1.2.3");
    }

    @Test
    void orUnknown_withoutManifestVersion_saysUnknown() {
        assertThat(BuildInfo.orUnknown(null)).isEqualTo("unknown");
        assertThat(BuildInfo.orUnknown(" ")).isEqualTo("unknown");
        assertThat(BuildInfo.orUnknown("2.0.0")).isEqualTo("2.0.0");
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
