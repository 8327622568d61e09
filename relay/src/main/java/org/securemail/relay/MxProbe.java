package org.securemail.relay;

import jakarta.mail.MessagingException;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.securemail.core.Handshake;
import org.securemail.policy.SecurityMode;
import org.securemail.policy.TlsaRecord;
import org.securemail.transport.MailSecurityException;

/**
 * What a {@link RelaySender#probe(String) probe} found for one MX host: its addresses and their DNSSEC status, the
 * policy a delivery would apply to it (or why a delivery would pass it over), and what connecting under that policy
 * gave: EHLO, STARTTLS and the TLS handshake, or the refusal. No mail is sent: a probe ends each connection with QUIT
 * after EHLO. Immutable.
 */
public final class MxProbe {

    /** How a probe connection ended. */
    public enum Outcome {
        /** The connection met the policy: EHLO answered (again inside TLS when TLS was used), then QUIT. */
        CONNECTED,
        /** SecureMail refused the connection for security: a delivery under this policy would not go ahead. */
        REFUSED,
        /** The connection failed otherwise: unreachable, a timeout, an error reply. */
        FAILED
    }

    /**
     * One connection a probe made to an address of the host. Immutable.
     */
    public static final class Connection {
        private final InetAddress address;
        private final Outcome outcome;
        private final Handshake handshake;
        private final List<String> ehloKeywords;
        private final MessagingException failure;

        Connection(InetAddress address, Outcome outcome, Handshake handshake, List<String> ehloKeywords,
                   MessagingException failure) {
            this.address = Objects.requireNonNull(address, "address");
            this.outcome = Objects.requireNonNull(outcome, "outcome");
            this.handshake = handshake;
            this.ehloKeywords = List.copyOf(ehloKeywords);
            this.failure = failure;
        }

        /**
         * Returns the address connected to.
         *
         * @return the address
         */
        public InetAddress address() {
            return address;
        }

        /**
         * Returns how the connection ended.
         *
         * @return the outcome
         */
        public Outcome outcome() {
            return outcome;
        }

        /**
         * Returns the TLS handshake: version, suite, whether the server was authenticated, its certificates.
         *
         * @return the handshake, or empty when the connection stayed in cleartext (no STARTTLS offered, in a mode that
         *     allows it) or did not get that far
         */
        public Optional<Handshake> handshake() {
            return Optional.ofNullable(handshake);
        }

        /**
         * Returns the EHLO keywords the server announced, with their parameters ({@code SIZE 10240000}): inside TLS
         * when TLS was used, otherwise in cleartext; on a refusal, what it announced before.
         *
         * @return the keywords, empty when the server did not get as far as EHLO
         */
        public List<String> ehloKeywords() {
            return ehloKeywords;
        }

        /**
         * Tells whether the server offers REQUIRETLS (RFC 8689) on this connection.
         *
         * @return whether {@code REQUIRETLS} is among the EHLO keywords
         */
        public boolean offersRequireTls() {
            return ehloKeywords.stream().anyMatch(k -> k.equalsIgnoreCase("REQUIRETLS")
                    || k.regionMatches(true, 0, "REQUIRETLS ", 0, 11));
        }

        /**
         * Returns the server certificate's subject: from the handshake, or from the chain a refused handshake
         * presented.
         *
         * @return the subject in RFC 2253 form, or empty when no certificate was seen
         */
        public Optional<String> certificateSubject() {
            List<X509Certificate> chain = handshake != null ? handshake.peerCertificates()
                    : refusal().flatMap(MailSecurityException::tlsRefusal).map(t -> t.peerCertificates())
                    .orElse(List.of());
            return chain.isEmpty() ? Optional.empty()
                    : Optional.of(chain.get(0).getSubjectX500Principal().getName());
        }

        /**
         * Returns the refusal, when SecureMail refused the connection for security.
         *
         * @return the refusal, with its {@link MailSecurityException#reason() reason}, or empty
         */
        public Optional<MailSecurityException> refusal() {
            return failure instanceof MailSecurityException ? Optional.of((MailSecurityException) failure)
                    : Optional.empty();
        }

        /**
         * Returns why the connection did not succeed: the refusal, or the other failure.
         *
         * @return the exception, or empty when {@link Outcome#CONNECTED}
         */
        public Optional<MessagingException> failure() {
            return Optional.ofNullable(failure);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(address.getHostAddress()).append(' ');
            switch (outcome) {
                case CONNECTED:
                    sb.append("connected, ");
                    if (handshake == null) {
                        sb.append("cleartext (no STARTTLS offered)");
                    } else {
                        sb.append("STARTTLS, ").append(handshake.tlsVersion().protocolName()).append(' ')
                                .append(handshake.cipherSuite().name())
                                .append(handshake.isAuthenticated() ? ", authenticated" : ", not authenticated");
                    }
                    break;
                case REFUSED:
                    sb.append("REFUSED (").append(refusal().map(r -> r.reason().name()).orElse("?")).append("): ")
                            .append(failure.getMessage());
                    break;
                default:
                    sb.append("FAILED: ").append(failure.getMessage());
            }
            certificateSubject().ifPresent(s -> sb.append("; certificate \"").append(s).append('"'));
            if (!ehloKeywords.isEmpty()) {
                sb.append("; EHLO ").append(String.join(", ", ehloKeywords));
            }
            return sb.toString();
        }
    }

    private final String name;
    private final int preference;
    private final List<InetAddress> addresses;
    private final DnssecStatus addressStatus;
    private final MxSecurity security;
    private final SecurityMode mode;
    private final String tlsaName;
    private final List<TlsaRecord> tlsaRecords;
    private final String skipReason;
    private final List<String> notes;
    private final List<Connection> connections;

    MxProbe(String name, int preference, List<InetAddress> addresses, DnssecStatus addressStatus, MxSecurity security,
            SecurityMode mode, String tlsaName, List<TlsaRecord> tlsaRecords, String skipReason, List<String> notes,
            List<Connection> connections) {
        this.name = Objects.requireNonNull(name, "name");
        this.preference = preference;
        this.addresses = List.copyOf(addresses);
        this.addressStatus = Objects.requireNonNull(addressStatus, "addressStatus");
        this.security = security;
        this.mode = mode;
        this.tlsaName = tlsaName;
        this.tlsaRecords = List.copyOf(tlsaRecords);
        this.skipReason = skipReason;
        this.notes = List.copyOf(notes);
        this.connections = List.copyOf(connections);
    }

    /**
     * Returns the host name.
     *
     * @return the MX exchange as published (lower case, no trailing dot), or the domain itself for an implicit MX
     */
    public String name() {
        return name;
    }

    /**
     * Returns the MX preference.
     *
     * @return 0 to 65535; 0 for an implicit MX
     */
    public int preference() {
        return preference;
    }

    /**
     * Returns the host's addresses, IPv6 first.
     *
     * @return the addresses, never empty
     */
    public List<InetAddress> addresses() {
        return addresses;
    }

    /**
     * Returns what DNSSEC validation said of the host's addresses (the weaker of the AAAA and A answers).
     *
     * @return the status
     */
    public DnssecStatus addressStatus() {
        return addressStatus;
    }

    /**
     * Returns the policy a delivery to this host would run under.
     *
     * @return the policy, or empty when a delivery would pass the host over (see {@link #skipReason()})
     */
    public Optional<MxSecurity> security() {
        return Optional.ofNullable(security);
    }

    /**
     * Returns the security mode the connection runs in: {@link SecurityMode#STARTTLS_REQUIRED} under DANE and MTA-STS,
     * {@link SecurityMode#STARTTLS_OPPORTUNISTIC} otherwise (and for an MX that MTA-STS testing mode does not name).
     *
     * @return the mode, or empty when the host is passed over
     */
    public Optional<SecurityMode> mode() {
        return Optional.ofNullable(mode);
    }

    /**
     * Returns where the TLSA records that DANE uses were found, e.g. {@code _25._tcp.mx.example.com}.
     *
     * @return the owner name, or empty when DANE does not apply
     */
    public Optional<String> tlsaName() {
        return Optional.ofNullable(tlsaName);
    }

    /**
     * Returns the usable TLSA records DANE checks the certificate against.
     *
     * @return the records, empty when DANE does not apply
     */
    public List<TlsaRecord> tlsaRecords() {
        return tlsaRecords;
    }

    /**
     * Returns why a delivery would pass this host over: bogus TLSA records, a failed TLSA lookup, an MX that the
     * MTA-STS policy in enforce mode does not name.
     *
     * @return the reason, or empty when the host would be tried
     */
    public Optional<String> skipReason() {
        return Optional.ofNullable(skipReason);
    }

    /**
     * Returns what the policy decision found wrong without passing the host over, as RFC 8460 result types with the
     * reason: TLSA records none of which is usable, an MX that MTA-STS testing mode does not name. A delivery reports
     * them in the TLS report; a probe only lists them here.
     *
     * @return the notes, empty when there were none
     */
    public List<String> notes() {
        return notes;
    }

    /**
     * Returns the connections made, one per address tried (at most two, as a delivery tries).
     *
     * @return the connections, empty when the host was passed over
     */
    public List<Connection> connections() {
        return connections;
    }

    /**
     * Tells whether a delivery under the policy could go to this host: it was not passed over and a connection met the
     * policy.
     *
     * @return whether a connection ended {@link Outcome#CONNECTED}
     */
    public boolean passes() {
        return connections.stream().anyMatch(c -> c.outcome() == Outcome.CONNECTED);
    }

    /**
     * Returns the policy as a short phrase: {@code DANE}, {@code MTA-STS enforce}, {@code MTA-STS testing},
     * {@code opportunistic}, or {@code skipped}.
     *
     * @return the phrase
     */
    String policyPhrase() {
        return security == null ? "skipped" : security.displayName();
    }

    List<String> lines() {
        List<String> lines = new ArrayList<>();
        StringBuilder head = new StringBuilder(name).append(" (preference ").append(preference).append(") [");
        for (int i = 0; i < addresses.size(); i++) {
            head.append(i == 0 ? "" : ", ").append(addresses.get(i).getHostAddress());
        }
        lines.add(head.append("] addresses DNSSEC ").append(addressStatus.name().toLowerCase(java.util.Locale.ROOT))
                .toString());
        if (security == null) {
            lines.add("  policy  skipped: " + skipReason);
        } else {
            StringBuilder p = new StringBuilder("  policy  ").append(policyPhrase()).append(" (").append(mode)
                    .append(')');
            if (tlsaName != null) {
                p.append(", TLSA at ").append(tlsaName).append(':');
                tlsaRecords.forEach(r -> p.append(' ').append(r));
            }
            lines.add(p.toString());
        }
        notes.forEach(n -> lines.add("  note    " + n));
        connections.forEach(c -> lines.add("  " + c));
        return lines;
    }

    @Override
    public String toString() {
        return String.join("\n", lines());
    }
}
