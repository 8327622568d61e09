package org.securemail.relay;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What became of a message sent through a {@link RelaySender}: one {@link DomainDelivery} per recipient domain, in the
 * order the domains first appear among the recipients. Immutable.
 */
public final class RelayReport {
    private final List<DomainDelivery> domains;

    RelayReport(List<DomainDelivery> domains) {
        this.domains = List.copyOf(domains);
    }

    /**

     * Returns one entry per recipient domain.

     *

     * @return one entry per recipient domain

     */
    public List<DomainDelivery> domains() {
        return domains;
    }

    /**

     * Returns whether every domain's MX accepted the message.

     *

     * @return whether every domain's MX accepted the message

     */
    public boolean allDelivered() {
        return domains.stream().allMatch(d -> d.status() == DomainDelivery.Status.DELIVERED);
    }

    /**

     * Returns the domains whose MX did not take the message, or might have (ambiguous).

     *

     * @return the domains whose MX did not take the message, or might have (ambiguous)

     */
    public List<DomainDelivery> notDelivered() {
        return domains.stream().filter(d -> d.status() != DomainDelivery.Status.DELIVERED)
                .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public String toString() {
        return domains.stream().map(DomainDelivery::toString).collect(Collectors.joining("\n"));
    }
}
