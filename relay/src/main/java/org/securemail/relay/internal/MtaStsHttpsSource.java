package org.securemail.relay.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.securemail.core.TlsEngine;
import org.securemail.core.TlsRefusedException;
import org.securemail.policy.TlsPolicy;
import org.securemail.relay.MtaStsPolicy;
import org.securemail.relay.TlsReportResultType;

/**
 * Fetches a domain's MTA-STS policy from {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} as RFC 8461 §3.3
 * requires: over HTTPS authenticated under the Web PKI, status 200 only, no redirect followed, media type
 * {@code text/plain}, a bounded size and a short deadline.
 */
public final class MtaStsHttpsSource implements MtaStsPolicySource {

    /** The path of the policy file (RFC 8461 §3.2). */
    public static final String PATH = "/.well-known/mta-sts.txt";

    /** The total time a fetch may take by default. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

    /** The largest policy body accepted, in bytes (64 KiB). */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private final HttpsGetClient client;

    /**
     * Creates a source over a client.
     *
     * @param client the HTTPS client, its port, lookup, deadline and size bound set
     * @throws NullPointerException if {@code client} is null
     */
    public MtaStsHttpsSource(HttpsGetClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Creates the production source: port 443, the JDK's resolver, {@link #DEFAULT_DEADLINE}, {@link #MAX_BODY_BYTES}.
     *
     * @param engine the TLS engine
     * @param policy the TLS policy for the policy host, normally {@link TlsPolicy#MODERN} (system trust)
     * @return the source
     * @throws NullPointerException if an argument is null
     */
    public static MtaStsHttpsSource create(TlsEngine engine, TlsPolicy policy) {
        return create(engine, policy, HttpsGetClient.AddressLookup.system(), 443, DEFAULT_DEADLINE);
    }

    /**
     * Creates a source with every setting given.
     *
     * @param engine the TLS engine
     * @param policy the TLS policy for the policy host
     * @param lookup resolves {@code mta-sts.<domain>}
     * @param port the HTTPS port
     * @param deadline the total time a fetch may take
     * @return the source
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the port or deadline is out of range
     */
    public static MtaStsHttpsSource create(TlsEngine engine, TlsPolicy policy, HttpsGetClient.AddressLookup lookup,
                                           int port, Duration deadline) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(policy, "policy");
        return new MtaStsHttpsSource(new HttpsGetClient(engine.connector(policy), lookup, port, deadline,
                MAX_BODY_BYTES));
    }

    /**
     * Returns an address lookup through a {@link Dns}: the host's A and AAAA records, refused when DNSSEC says they
     * are bogus.
     *
     * @param dns the resolver
     * @return the lookup
     * @throws NullPointerException if {@code dns} is null
     */
    public static HttpsGetClient.AddressLookup lookupThrough(Dns dns) {
        Objects.requireNonNull(dns, "dns");
        return host -> {
            DnsAnswer<InetAddress> answer = dns.addresses(host);
            if (answer.status() == DnsAnswer.Status.BOGUS) {
                throw new IOException(host + " addresses failed DNSSEC validation (bogus); the domain's DNS is"
                        + " misconfigured or under attack");
            }
            List<InetAddress> records = answer.records();
            if (records.isEmpty()) {
                throw new IOException(host + " has no A or AAAA record" + (answer.nameExists() ? "" : " (NXDOMAIN)"));
            }
            return records;
        };
    }

    /**
     * Returns the host that serves a domain's policy.
     *
     * @param domain the recipient domain
     * @return {@code mta-sts.<domain>}
     */
    public static String policyHost(String domain) {
        return "mta-sts." + domain;
    }

    @Override
    public MtaStsPolicy fetch(String domain) throws MtaStsFetchException {
        Objects.requireNonNull(domain, "domain");
        String host = policyHost(domain);
        String url = "https://" + host + PATH;
        HttpsResponse response;
        try {
            response = client.get(host, PATH);
        } catch (TlsRefusedException e) {
            TlsReportResultType type = e.reason().isAuthenticationFailure()
                    ? TlsReportResultType.STS_WEBPKI_INVALID : TlsReportResultType.STS_POLICY_FETCH_ERROR;
            throw new MtaStsFetchException(type, e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    "MTA-STS policy " + url + " TLS connection refused: " + e.getMessage(), e);
        } catch (SocketTimeoutException e) {
            throw new MtaStsFetchException(TlsReportResultType.STS_POLICY_FETCH_ERROR, "timeout",
                    "MTA-STS policy " + url + " fetch timed out: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MtaStsFetchException(TlsReportResultType.STS_POLICY_FETCH_ERROR, null,
                    "MTA-STS policy " + url + " fetch failed: " + e.getMessage(), e);
        }
        int status = response.status();
        if (status != 200) {
            String detail = status >= 300 && status < 400
                    ? " (redirect to " + response.location().orElse("nowhere")
                        + " not followed, RFC 8461 §3.3); the domain must serve the policy at this URL"
                    : "; the domain must serve its policy there, or remove its _mta-sts TXT record";
            throw new MtaStsFetchException(TlsReportResultType.STS_POLICY_FETCH_ERROR, "http-" + status,
                    "MTA-STS policy " + url + " must answer status 200: it answered " + status + detail, null);
        }
        String contentType = response.contentType().orElse("");
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType).strip();
        if (!mediaType.equalsIgnoreCase("text/plain")) {
            throw new MtaStsFetchException(TlsReportResultType.STS_POLICY_INVALID, "content-type",
                    "MTA-STS policy " + url + " must be served as text/plain: Content-Type is \"" + contentType
                            + "\"", null);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(response.body()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MtaStsFetchException(TlsReportResultType.STS_POLICY_INVALID, "encoding",
                    "MTA-STS policy " + url + " must be UTF-8: it is not", e);
        }
        try {
            return MtaStsPolicy.parse(text);
        } catch (IllegalArgumentException e) {
            throw new MtaStsFetchException(TlsReportResultType.STS_POLICY_INVALID, "syntax",
                    "MTA-STS policy " + url + " is invalid: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "MtaStsHttpsSource{" + client + "}";
    }
}
