package org.securemail.examples;

import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.securemail.relay.DomainDelivery;
import org.securemail.relay.MtaStsCacheEntry;
import org.securemail.relay.MtaStsPolicy;
import org.securemail.relay.MtaStsPolicyCache;
import org.securemail.relay.RelayReport;
import org.securemail.relay.RelaySender;
import org.securemail.relay.TlsReport;
import org.securemail.relay.TlsReportAggregator;

/**
 * Delivery straight to the recipients' MX hosts, as docs/relaying-to-mx.md quotes it: a {@link RelaySender} that sends
 * one message and logs what became of each recipient domain, a directory that keeps MTA-STS policies across restarts,
 * and the daily TLS reports (RFC 8460) sent where each domain's {@code _smtp._tls} record says.
 *
 * <p>Compiled with the build; {@code main} is not run by the tests, because it needs the system's DNS and the
 * recipients' MX hosts on port 25. {@code RelayExampleTest} runs {@link #deliver} against a DNS server and an MX on
 * loopback, and the parts that need neither: the policy directory, the reading of the {@code _smtp._tls} record and
 * the report mail. Usage: {@code RelayExample <helo-name> <from> <to>...}, on a host whose address may send mail to
 * port 25 (see the document for what that takes).
 */
public final class RelayExample {
    private static final System.Logger LOG = System.getLogger(RelayExample.class.getName());

    private RelayExample() {
    }

    public static void main(String[] args) throws Exception {
        String heloName = args[0];
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress(args[1]));
        for (int i = 2; i < args.length; i++) {
            message.addRecipient(Message.RecipientType.TO, new InternetAddress(args[i]));
        }
        message.setSubject("Your order has shipped");
        message.setText("Sent straight to your domain's mail servers, over the strongest TLS your domain asks for.");

        try (RelaySender relay = RelaySender.builder()
                .heloName(heloName)                                    // this host's name: its A/AAAA and PTR match
                .mtaStsCache(new DirectoryMtaStsCache(Path.of("mta-sts-cache")))   // policies survive a restart
                .build()) {
            deliver(relay, message);

            // Once a day, shortly after midnight UTC, from a scheduler. The reports travel through a relay of their
            // own, whose sessions are not counted in the next report (RFC 8460 §3).
            try (RelaySender reportRelay = RelaySender.builder().heloName(heloName).build()) {
                sendDailyTlsReports(relay.tlsReports(), reportRelay, LocalDate.now(ZoneOffset.UTC), "Example Org",
                        "sender.example", new InternetAddress("tlsrpt-noreply@sender.example"));
            }
        }
    }

    /**
     * Sends a message and acts on each recipient domain's outcome.
     *
     * @param relay the relay
     * @param message the message
     * @return the report
     * @throws MessagingException if the message cannot be addressed at all (no recipient, one without a domain)
     */
    static RelayReport deliver(RelaySender relay, MimeMessage message) throws MessagingException {
        RelayReport report = relay.send(message);                      // one attempt per MX; a report, never a throw
        for (DomainDelivery d : report.domains()) {
            handle(d);
        }
        return report;
    }

    /**
     * Acts on one recipient domain's outcome: log it, then deliver the bounce, schedule the retry or hold the message,
     * as a mail queue would.
     *
     * @param d what became of the domain's share of the message
     */
    static void handle(DomainDelivery d) {
        LOG.log(Level.INFO, d);                // example.com: delivered to mx1.example.com [192.0.2.1] under DANE (…)
        for (String attempt : d.attempts()) {
            LOG.log(Level.INFO, "  " + attempt);                       // every MX and address tried or passed over
        }
        switch (d.status()) {
            case DELIVERED:                                            // the MX took it, maybe not for every recipient
                d.report().orElseThrow().rejected().forEach((rcpt, reply) -> bounce(rcpt, reply));
                break;
            case FAILED_TEMPORARILY:                                   // nothing taken; DNS, TLS policy, 4xx, no answer
                retryLater(d.recipients(), d.failure().map(Throwable::getMessage).orElse(""));
                break;
            case FAILED_PERMANENTLY:                                   // null MX, no such domain, 5xx, REQUIRETLS unmet
                d.recipients().forEach(rcpt -> bounce(rcpt, d.failure().map(Throwable::getMessage).orElse("")));
                break;
            case AMBIGUOUS:                                            // lost after the final dot: it may be there
                holdForReview(d);
                break;
        }
    }

    /** Stands in for the application's bounce: tell the sender that this recipient will not get the message. */
    private static void bounce(InternetAddress recipient, String why) {
        LOG.log(Level.WARNING, "bounce " + recipient + ": " + why);
    }

    /** Stands in for the application's queue: try these recipients again later, backing off, for a few days at most. */
    private static void retryLater(List<InternetAddress> recipients, String why) {
        LOG.log(Level.INFO, "retry later " + recipients + ": " + why);
    }

    /** Stands in for the application's queue: the MX may have the message, so a retry may deliver it twice. */
    private static void holdForReview(DomainDelivery d) {
        LOG.log(Level.WARNING, "held for review, not retried: " + d);
    }

    /**
     * Sends the TLS reports of the days before {@code today} (normally yesterday's) to the addresses each policy
     * domain publishes in its {@code _smtp._tls} TXT record; domains that publish none get nothing. The reports are
     * taken from the aggregator, so each is sent once; one that cannot be sent is logged and dropped.
     *
     * @param sessions the aggregator the application's relay counts its sessions in
     * @param reportRelay the relay that delivers the {@code mailto:} reports
     * @param today the current UTC day
     * @param organization the organization name the reports carry
     * @param submitter the domain name of the reporting organization
     * @param from the report mails' sender
     */
    static void sendDailyTlsReports(TlsReportAggregator sessions, RelaySender reportRelay, LocalDate today,
                                    String organization, String submitter, InternetAddress from) {
        for (TlsReport r : sessions.takeReportsBefore(today)) {        // yesterday's, and older days not yet taken
            try {
                for (URI rua : reportRelay.tlsReportAddresses(r.policyDomain())) {   // its _smtp._tls record
                    if (rua.getScheme().equalsIgnoreCase("mailto")) {
                        MimeMessage mail = reportMail(r, organization, submitter, from,
                                new InternetAddress(rua.getSchemeSpecificPart()));
                        RelayReport sent = reportRelay.send(dkimSigned(mail));   // unsigned reports are ignored
                        LOG.log(Level.INFO, "TLS report for " + r.policyDomain() + ": " + sent);
                    } else {
                        postReport(r, organization, submitter, rua);
                    }
                }
            } catch (MessagingException | IOException e) {
                LOG.log(Level.WARNING, "TLS report for " + r.policyDomain() + " not sent: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Stands in for the application's DKIM signer (RFC 6376): SecureMail does not sign, and RFC 8460 §3 has receivers
     * ignore a mailed report without a valid DKIM signature of the reporting domain.
     */
    private static MimeMessage dkimSigned(MimeMessage mail) {
        return mail;
    }

    /**
     * Writes a report as RFC 8460 §5.3 asks of a mailed one: a {@code multipart/report} with the gzip-compressed JSON,
     * and {@code TLS-Required: No} (RFC 8689 §5), because a report must be delivered despite TLS policy failures
     * (RFC 8460 §5.3.1): it matters most to a domain whose TLS is broken. Sign it with DKIM on its way out.
     *
     * @param r the report
     * @param organization the organization name in the report
     * @param submitter the reporting organization's domain
     * @param from the sender
     * @param to the {@code mailto:} address of the policy domain's {@code rua}
     * @return the message
     * @throws MessagingException if the message cannot be built
     */
    static MimeMessage reportMail(TlsReport r, String organization, String submitter, InternetAddress from,
                                  InternetAddress to) throws MessagingException {
        String reportId = reportId(r, submitter);
        MimeMessage mail = new MimeMessage(Session.getInstance(new Properties()));
        mail.setFrom(from);
        mail.setRecipient(Message.RecipientType.TO, to);
        mail.setSubject("Report Domain: " + r.policyDomain() + " Submitter: " + submitter + " Report-ID: <"
                + reportId + ">");
        mail.setHeader("TLS-Report-Domain", r.policyDomain());
        mail.setHeader("TLS-Report-Submitter", submitter);
        mail.setHeader("TLS-Required", "No");

        MimeBodyPart text = new MimeBodyPart();
        text.setText("TLS report for " + r.policyDomain() + " on " + r.day() + " (UTC), from " + submitter + ".",
                "UTF-8");
        MimeBodyPart json = new MimeBodyPart();
        json.setDataHandler(new DataHandler(new ByteArrayDataSource(gzipJson(r, organization, submitter),
                "application/tlsrpt+gzip")));
        json.setFileName(submitter + "!" + r.policyDomain() + "!" + r.startDateTime().getEpochSecond() + "!"
                + r.endDateTime().getEpochSecond() + ".json.gz");
        MimeMultipart report = new TlsReportMultipart();
        report.addBodyPart(text);
        report.addBodyPart(json);
        mail.setContent(report);
        mail.saveChanges();
        return mail;
    }

    /** A {@code multipart/report} of type {@code tlsrpt} (RFC 6522, RFC 8460 §5.3). */
    private static final class TlsReportMultipart extends MimeMultipart {
        TlsReportMultipart() {
            super("report");
            contentType = contentType + "; report-type=\"tlsrpt\"";
        }
    }

    /**
     * POSTs a report to an {@code https:} {@code rua} (RFC 8460 §5.4), gzip-compressed; no redirect is followed.
     *
     * @throws IOException if the POST fails or the server does not answer 2xx
     * @throws InterruptedException if interrupted while waiting
     */
    private static void postReport(TlsReport r, String organization, String submitter, URI rua)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest post = HttpRequest.newBuilder(rua).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/tlsrpt+gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzipJson(r, organization, submitter))).build();
        HttpResponse<Void> response = http.send(post, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(rua + " answered " + response.statusCode() + " to the TLS report");
        }
    }

    /** The report's JSON, gzip-compressed. */
    static byte[] gzipJson(TlsReport r, String organization, String submitter) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(r.toJson(organization, "mailto:postmaster@" + submitter, reportId(r, submitter))
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The same for the same day and domain, so that a report sent twice is recognised as one. */
    static String reportId(TlsReport r, String submitter) {
        return r.day() + "." + r.policyDomain() + "@" + submitter;
    }

    /**
     * An {@link MtaStsPolicyCache} in a directory, one file per domain, so that a restart does not forget the
     * policies: without them, the first delivery after a restart trusts whatever DNS and the policy host say, which
     * is the moment an attacker who blocks them can strip MTA-STS. Thread-safe; files are replaced atomically.
     */
    static final class DirectoryMtaStsCache implements MtaStsPolicyCache {
        private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
        private final Path directory;

        DirectoryMtaStsCache(Path directory) {
            this.directory = directory;
        }

        @Override
        public synchronized Optional<MtaStsCacheEntry> get(String policyDomain) {
            Path source = file(policyDomain);
            try {
                // line 1: the TXT record's id; line 2: when fetched; the rest: the policy as served
                String[] parts = Files.readString(source, StandardCharsets.UTF_8).split("\n", 3);
                return Optional.of(new MtaStsCacheEntry(parts[0], MtaStsPolicy.parse(parts[2]),
                        Instant.parse(parts[1])));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "MTA-STS cache file for " + policyDomain + " unreadable: " + e.getMessage());
                return Optional.empty();
            }
        }

        @Override
        public synchronized void put(String policyDomain, MtaStsCacheEntry entry) {
            Path target = file(policyDomain);
            try {
                Files.createDirectories(directory);
                Path tmp = Files.createTempFile(directory, policyDomain, ".tmp");
                Files.writeString(tmp, entry.id() + "\n" + entry.fetchedAt() + "\n" + entry.policy().text(),
                        StandardCharsets.UTF_8);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // The policy still applies to this delivery; only its persistence is lost.
                LOG.log(Level.WARNING, "MTA-STS cache file for " + policyDomain + " not written: " + e.getMessage());
            }
        }

        private Path file(String policyDomain) {
            if (!DOMAIN.matcher(policyDomain).matches() || policyDomain.contains("..")) {
                throw new IllegalArgumentException("policy domain must be a lower-case A-label name: \""
                        + policyDomain + "\"");
            }
            return directory.resolve(policyDomain + ".policy");
        }
    }
}
