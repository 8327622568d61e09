package org.securemail.examples.recipes;

import org.securemail.policy.SecurityMode;
import org.securemail.transport.Credentials;
import org.securemail.transport.ImapFetcher;
import org.securemail.transport.SecureMail;
import org.securemail.transport.SmtpSender;

/**
 * Gmail and Microsoft 365 with OAuth 2.0 (SASL XOAUTH2): the host, port and mode of each service, with a
 * {@link RefreshingTokenSupplier} (over an {@link OAuth2TokenEndpoint}, or any other token source) that caches tokens.
 * Each builder passes {@code tokens::invalidate} as the rejection hook: when the server rejects a cached token
 * (revoked, or expired before the cache thought), SecureMail tells the supplier which one, asks for a new token and
 * authenticates once more, so the send or fetch succeeds without the caller retrying. Every connection authenticates
 * the server under the default policy ({@code TlsPolicy.MODERN}, the JVM's CAs) before the token is sent.
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
     * @param tokens the caching supplier of current access tokens, told which token the server rejected
     * @return the builder
     */
    public static SmtpSender.Builder gmailSmtp(String address, RefreshingTokenSupplier tokens) {
        return SecureMail.smtp("smtp.gmail.com")                      // STARTTLS required, port 587
                .credentials(Credentials.oauth2(address, tokens,      // SASL XOAUTH2, only inside verified TLS
                        tokens::invalidate));                         // told which token the server rejected
    }

    /**
     * Gmail mailbox access: {@code imap.gmail.com}, implicit TLS on 993.
     *
     * @param address the Gmail or Google Workspace address
     * @param tokens the caching supplier of current access tokens, told which token the server rejected
     * @return the builder
     */
    public static ImapFetcher.Builder gmailImap(String address, RefreshingTokenSupplier tokens) {
        return SecureMail.imap("imap.gmail.com")                      // implicit TLS, port 993
                .credentials(Credentials.oauth2(address, tokens, tokens::invalidate));
    }

    /**
     * Microsoft 365 submission (SMTP AUTH, which the tenant must allow for the mailbox): {@code smtp.office365.com},
     * STARTTLS required on 587, the only port it offers.
     *
     * @param address the mailbox address
     * @param tokens the caching supplier of access tokens for {@link OAuth2TokenEndpoint#MICROSOFT_SMTP_SCOPE}
     * @return the builder
     */
    public static SmtpSender.Builder microsoft365Smtp(String address, RefreshingTokenSupplier tokens) {
        return SecureMail.smtp("smtp.office365.com")                  // STARTTLS required, port 587
                .mode(SecurityMode.STARTTLS_REQUIRED)
                .credentials(Credentials.oauth2(address, tokens, tokens::invalidate));
    }

    /**
     * Microsoft 365 mailbox access: {@code outlook.office365.com}, implicit TLS on 993.
     *
     * @param address the mailbox address
     * @param tokens the caching supplier of access tokens for {@link OAuth2TokenEndpoint#MICROSOFT_IMAP_SCOPE}
     * @return the builder
     */
    public static ImapFetcher.Builder microsoft365Imap(String address, RefreshingTokenSupplier tokens) {
        return SecureMail.imap("outlook.office365.com")               // implicit TLS, port 993
                .credentials(Credentials.oauth2(address, tokens, tokens::invalidate));
    }
}
