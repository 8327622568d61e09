package org.securemail.spring;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.util.stream.Collectors;
import org.securemail.spring.internal.MailClients;
import org.securemail.spring.internal.MailConfigurationException;
import org.securemail.spring.internal.MailMetrics;
import org.securemail.transport.ImapFetcher;
import org.securemail.transport.MailListener;
import org.securemail.transport.Pop3Fetcher;
import org.securemail.transport.SmtpSender;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.mail.autoconfigure.MailProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.MailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Auto-configuration of SecureMail for Spring Boot: runs before Boot's own mail auto-configuration, which then backs
 * off. With {@code spring.mail.host} set it provides the {@code JavaMailSender} (a {@link SecureJavaMailSender}, so
 * Boot's mail health indicator and {@code spring.mail.test-connection} apply to it) and a pooled {@link SmtpSender};
 * with {@code securemail.imap.host} or {@code securemail.pop3.host}, an {@link ImapFetcher} or {@link Pop3Fetcher};
 * with Micrometer on the class path, mail metrics. Every {@link MailListener} bean hears every client. Each bean backs
 * off when the application declares its own.
 */
@AutoConfiguration(beforeName = {SecureMailAutoConfiguration.BOOT_MAIL_AUTO_CONFIGURATION,
    "org.springframework.boot.autoconfigure.mail.MailSenderAutoConfiguration"})
@ConditionalOnClass({MimeMessage.class, JavaMailSenderImpl.class, SmtpSender.class})
public class SecureMailAutoConfiguration {
    /** Spring Boot 4's mail auto-configuration, which backs off once the starter's sender exists. */
    static final String BOOT_MAIL_AUTO_CONFIGURATION =
            "org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration";
    /** Spring Boot 4's mail properties: present from Boot 4.0 on. */
    static final String BOOT_4_MAIL_PROPERTIES = "org.springframework.boot.mail.autoconfigure.MailProperties";

    /**
     * Creates the auto-configuration; Spring Boot does this.
     */
    public SecureMailAutoConfiguration() {
    }

    private static MailClients clients(SecureMailProperties properties, ObjectProvider<SslBundles> bundles,
                                       ObjectProvider<MailListener> listeners) {
        List<MailListener> ordered = listeners.orderedStream().collect(Collectors.toList());
        return new MailClients(properties, bundles::getIfAvailable, ordered);
    }

    /** Binds the properties, on Spring Boot 4. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = BOOT_4_MAIL_PROPERTIES)
    @EnableConfigurationProperties({MailProperties.class, SecureMailProperties.class})
    static class Binding {
    }

    /**
     * On Spring Boot 3, whose mail classes live elsewhere, refuses to start rather than let Boot's own plain
     * {@code JavaMailSender} send the mail.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass(BOOT_4_MAIL_PROPERTIES)
    @Conditional(SmtpConfigured.class)
    static class UnsupportedBoot {
        UnsupportedBoot() {
            throw new MailConfigurationException("spring.mail.host", "is set, but this application runs Spring Boot "
                    + SpringBootVersion.getVersion() + " and securemail-spring-boot-starter needs Spring Boot 4.0",
                    "on Spring Boot 3.5, depend on securemail-transport instead of the starter and declare the"
                    + " JavaMailSender bean yourself, as docs/spring-boot.md shows under \"Spring Boot 3.5\"", null);
        }
    }

    /** The SMTP beans, when {@code spring.mail.host} (or, to refuse it, {@code spring.mail.jndi-name}) is set. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = BOOT_4_MAIL_PROPERTIES)
    @Conditional(SmtpConfigured.class)
    static class Smtp {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        SmtpSender secureMailSmtpSender(MailProperties boot, SecureMailProperties properties,
                                        ObjectProvider<SslBundles> bundles, ObjectProvider<MailListener> listeners) {
            return clients(properties, bundles, listeners).smtp(boot).build();
        }

        @Bean
        @ConditionalOnMissingBean(MailSender.class)
        SecureJavaMailSender mailSender(SmtpSender sender, MailProperties boot) {
            Session session = sender.session();
            SecureJavaMailSender mail = new SecureJavaMailSender(session, session.getProperty("mail.smtp.host"),
                    Integer.parseInt(session.getProperty("mail.smtp.port")));
            if (boot.getDefaultEncoding() != null) {
                mail.setDefaultEncoding(boot.getDefaultEncoding().name());
            }
            return mail;
        }
    }

    /** The IMAP fetcher, when {@code securemail.imap.host} is set. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = BOOT_4_MAIL_PROPERTIES)
    @ConditionalOnProperty(prefix = "securemail.imap", name = "host")
    static class Imap {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        ImapFetcher secureMailImapFetcher(SecureMailProperties properties, ObjectProvider<SslBundles> bundles,
                                          ObjectProvider<MailListener> listeners) {
            return clients(properties, bundles, listeners).imap().build();
        }
    }

    /** The POP3 fetcher, when {@code securemail.pop3.host} is set. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = BOOT_4_MAIL_PROPERTIES)
    @ConditionalOnProperty(prefix = "securemail.pop3", name = "host")
    static class Pop3 {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        Pop3Fetcher secureMailPop3Fetcher(SecureMailProperties properties, ObjectProvider<SslBundles> bundles,
                                          ObjectProvider<MailListener> listeners) {
            return clients(properties, bundles, listeners).pop3().build();
        }
    }

    /** Mail metrics, when Micrometer is on the class path; recorded once a {@code MeterRegistry} bean exists. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBooleanProperty(name = "securemail.metrics.enabled", matchIfMissing = true)
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean
        MailMetrics secureMailMetrics(ObjectProvider<MeterRegistry> registry) {
            return new MailMetrics(registry::getIfUnique);
        }
    }

    /** {@code spring.mail.host} or {@code spring.mail.jndi-name} is set. */
    static final class SmtpConfigured extends AnyNestedCondition {
        SmtpConfigured() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty(prefix = "spring.mail", name = "host")
        static final class Host {
        }

        @ConditionalOnProperty(prefix = "spring.mail", name = "jndi-name")
        static final class JndiName {
        }
    }
}
