package org.securemail.relay.internal;

import org.securemail.relay.MtaStsPolicy;

/** Fetches a domain's current MTA-STS policy; {@link MtaStsHttpsSource} over HTTPS, a fake in tests. */
@FunctionalInterface
public interface MtaStsPolicySource {

    /**
     * Fetches the policy of a domain.
     *
     * @param domain the recipient domain
     * @return the policy
     * @throws MtaStsFetchException when no valid policy could be had
     */
    MtaStsPolicy fetch(String domain) throws MtaStsFetchException;
}
