package org.securemail.examples.recipes;

import org.securemail.policy.SecurityMode;
import org.securemail.transport.Credentials;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;

/**
 * Amazon SES and other submission services: a host, port 587 with STARTTLS required (the default) or port 465 with
 * implicit TLS, and the service's SMTP credentials. Both modes authenticate the server under the default policy before
 * the credentials are sent; prefer 465 where the service offers it (RFC 8314), 587 where a firewall allows only it.
 */
public final class SubmissionRecipes {
    private SubmissionRecipes() {
    }

    /**
     * Amazon SES in a region, STARTTLS required on 587. SES also listens on 2587 (STARTTLS) and on 465 and 2465
     * (implicit TLS). The SMTP user name and password are SES SMTP credentials, derived from an IAM user's key; the
     * IAM secret access key itself is not the password.
     *
     * @param region the AWS region, e.g. {@code eu-west-1}
     * @param smtpUser the SES SMTP user name
     * @param smtpPassword the SES SMTP password; copied
     * @return the builder
     * @throws IllegalArgumentException if the region is not a region name
     */
    public static SmtpSender.Builder amazonSes(String region, String smtpUser, char[] smtpPassword) {
        if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
            throw new IllegalArgumentException("region must be an AWS region name such as eu-west-1: \"" + region
                    + "\"");
        }
        return SecureMail.smtp("email-smtp." + region + ".amazonaws.com")    // STARTTLS required, port 587
                .credentials(Credentials.password(smtpUser, smtpPassword));
    }

    /**
     * Amazon SES with implicit TLS on 465: TLS from the first byte, nothing in cleartext at all.
     *
     * @param region the AWS region, e.g. {@code eu-west-1}
     * @param smtpUser the SES SMTP user name
     * @param smtpPassword the SES SMTP password; copied
     * @return the builder
     */
    public static SmtpSender.Builder amazonSesImplicitTls(String region, String smtpUser, char[] smtpPassword) {
        return amazonSes(region, smtpUser, smtpPassword)
                .mode(SecurityMode.IMPLICIT_TLS);                           // port 465 follows from the mode
    }

    /**
     * Any submission service (SendGrid, Mailgun, Postmark, Brevo, your provider's relay): its host, a mode, and its
     * credentials. The port follows from the mode (587 or 465) unless the service documents another, set with
     * {@code port(...)} on the builder.
     *
     * @param host the service's SMTP host
     * @param mode {@link SecurityMode#STARTTLS_REQUIRED} or {@link SecurityMode#IMPLICIT_TLS}
     * @param user the SMTP user name (SendGrid: {@code apikey})
     * @param password the SMTP password or API key; copied
     * @return the builder
     */
    public static SmtpSender.Builder submission(String host, SecurityMode mode, String user, char[] password) {
        return SecureMail.smtp(host)
                .mode(mode)
                .credentials(Credentials.password(user, password));
    }
}
