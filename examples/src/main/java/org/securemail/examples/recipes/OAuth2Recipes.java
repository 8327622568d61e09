package org.securemail.examples.recipes;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.function.Supplier;
import org.securemail.policy.SecurityMode;
import org.securemail.transport.Credentials;
import org.securemail.transport.CredentialsRejectedException;
import org.securemail.transport.DeliveryReport;
import org.securemail.transport.ImapFetcher;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;

/**
 * Gmail and Microsoft 365 with OAuth 2.0 (SASL XOAUTH2): the host, port and mode of each service, with a token
 * supplier that refreshes, such as {@link RefreshingTokenSupplier} over an {@link OAuth2TokenEndpoint}. Every
 * connection authenticates the server under the default policy ({@code TlsPolicy.MODERN}, the JVM's CAs) before the
 * token is sent.
 */
public final class OAuth2Recipes {
    private OAuth2Recipes() {
    }

    /**
     * The whole Gmail setup: a refreshing supplier over Google's token endpoint, and a sender that uses it.
     *
     * @param address the Gmail or Google Workspace address
     * @param clientId the OAuth client ID
     * @param clientSecret the OAuth client secret
     * @param refreshToken a refresh token for the scope {@link OAuth2TokenEndpoint#GMAIL_SCOPE}
     * @return the sender
     */
    public static SmtpSender gmail(String address, String clientId, String clientSecret, String refreshToken) {
        RefreshingTokenSupplier tokens = new RefreshingTokenSupplier(
                OAuth2TokenEndpoint.google(clientId, clientSecret, refreshToken));
        return gmailSmtp(address, tokens).build();
    }

    /**
     * Gmail submission: {@code smtp.gmail.com}, STARTTLS required on 587 (465 with {@code IMPLICIT_TLS} also works).
     *
     * @param address the Gmail or Google Workspace address
     * @param tokens a supplier of current access tokens
     * @return the builder
     */
    public static SmtpSender.Builder gmailSmtp(String address, Supplier<String> tokens) {
        return SecureMail.smtp("smtp.gmail.com")                      // STARTTLS required, port 587
                .credentials(Credentials.oauth2(address, tokens));     // SASL XOAUTH2, only inside verified TLS
    }

    /**
     * Gmail mailbox access: {@code imap.gmail.com}, implicit TLS on 993.
     *
     * @param address the Gmail or Google Workspace address
     * @param tokens a supplier of current access tokens
     * @return the builder
     */
    public static ImapFetcher.Builder gmailImap(String address, Supplier<String> tokens) {
        return SecureMail.imap("imap.gmail.com")                      // implicit TLS, port 993
                .credentials(Credentials.oauth2(address, tokens));
    }

    /**
     * Microsoft 365 submission (SMTP AUTH, which the tenant must allow for the mailbox): {@code smtp.office365.com},
     * STARTTLS required on 587, the only port it offers.
     *
     * @param address the mailbox address
     * @param tokens a supplier of access tokens for {@link OAuth2TokenEndpoint#MICROSOFT_SMTP_SCOPE}
     * @return the builder
     */
    public static SmtpSender.Builder microsoft365Smtp(String address, Supplier<String> tokens) {
        return SecureMail.smtp("smtp.office365.com")                  // STARTTLS required, port 587
                .mode(SecurityMode.STARTTLS_REQUIRED)
                .credentials(Credentials.oauth2(address, tokens));
    }

    /**
     * Microsoft 365 mailbox access: {@code outlook.office365.com}, implicit TLS on 993.
     *
     * @param address the mailbox address
     * @param tokens a supplier of access tokens for {@link OAuth2TokenEndpoint#MICROSOFT_IMAP_SCOPE}
     * @return the builder
     */
    public static ImapFetcher.Builder microsoft365Imap(String address, Supplier<String> tokens) {
        return SecureMail.imap("outlook.office365.com")               // implicit TLS, port 993
                .credentials(Credentials.oauth2(address, tokens));
    }

    /**
     * Sends a message, and when the server rejects the token (revoked before its stated expiry), drops the cached
     * token and sends once more with a new one. Safe to repeat: a rejection happens before the envelope, so nothing of
     * the message was sent.
     *
     * @param sender a sender whose credentials use {@code tokens}
     * @param tokens the refreshing supplier
     * @param message the message
     * @return the delivery report
     * @throws MessagingException if sending fails, the second rejection included
     */
    public static DeliveryReport send(SmtpSender sender, RefreshingTokenSupplier tokens, MimeMessage message)
            throws MessagingException {
        try {
            return sender.send(message);
        } catch (CredentialsRejectedException e) {
            tokens.invalidate();                                      // SecureMail cannot tell the supplier itself
            return sender.send(message);
        }
    }
}
