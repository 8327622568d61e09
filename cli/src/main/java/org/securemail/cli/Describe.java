package org.securemail.cli;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.securemail.core.Handshake;
import org.securemail.policy.TrustSource;
import org.securemail.relay.DomainDelivery;
import org.securemail.relay.DomainProbe;
import org.securemail.relay.MxProbe;
import org.securemail.relay.MxSecurity;
import org.securemail.transport.DeliveryReport;
import org.securemail.transport.MailSecurityException;

/** Renders handshakes, certificates and reports as JSON objects and as text lines. */
final class Describe {
    private Describe() {
    }

    static Json.Obj handshake(Handshake h) {
        if (h == null) {
            return null;
        }
        List<Object> chain = new ArrayList<>();
        for (X509Certificate c : h.peerCertificates()) {
            chain.add(certificate(c));
        }
        return Json.obj()
                .put("host", h.host()).put("port", h.port())
                .put("protocol", h.tlsVersion().protocolName())
                .put("cipherSuite", h.cipherSuite().name())
                .put("namedGroup", h.keyExchange().orElse(null))
                .put("authenticated", h.isAuthenticated())
                .put("verifiedHostName", h.verifiedHostName().orElse(null))
                .put("authenticationFailure", h.authenticationFailure().orElse(null))
                .put("sni", h.sniHostName().orElse(null))
                .put("resumed", h.isResumed())
                .put("provider", h.providerName())
                .put("durationMillis", h.duration().toMillis())
                .put("peerCertificates", chain);
    }

    static Json.Obj certificate(X509Certificate c) {
        return Json.obj()
                .put("subject", c.getSubjectX500Principal().getName())
                .put("issuer", c.getIssuerX500Principal().getName())
                .put("notBefore", c.getNotBefore().toInstant().toString())
                .put("notAfter", c.getNotAfter().toInstant().toString())
                .put("key", key(c))
                .put("signatureAlgorithm", c.getSigAlgName())
                .put("subjectAltNames", subjectAltNames(c))
                .put("pin", TrustSource.spkiPin(c));
    }

    static String key(X509Certificate c) {
        if (c.getPublicKey() instanceof RSAKey) {
            return "RSA " + ((RSAKey) c.getPublicKey()).getModulus().bitLength();
        }
        if (c.getPublicKey() instanceof ECKey) {
            return "EC " + ((ECKey) c.getPublicKey()).getParams().getCurve().getField().getFieldSize();
        }
        return c.getPublicKey().getAlgorithm();
    }

    static List<Object> subjectAltNames(X509Certificate c) {
        List<Object> names = new ArrayList<>();
        try {
            if (c.getSubjectAlternativeNames() != null) {
                for (List<?> n : c.getSubjectAlternativeNames()) {
                    int type = (Integer) n.get(0);
                    names.add((type == 2 ? "DNS:" : type == 7 ? "IP:" : type + ":") + n.get(1));
                }
            }
        } catch (CertificateParsingException e) {
            names.add("(unreadable)");
        }
        return names;
    }

    static String handshakeLine(Handshake h) {
        return h.tlsVersion().protocolName() + " " + h.cipherSuite().name() + ", group " + h.keyExchange().orElse("unknown")
                + (h.isAuthenticated() ? ", verified " + h.verifiedHostName().orElse("")
                : ", UNAUTHENTICATED (" + h.authenticationFailure().orElse("") + ")")
                + ", " + h.providerName() + ", " + h.duration().toMillis() + " ms";
    }

    static String certificateLine(X509Certificate c) {
        return "\"" + c.getSubjectX500Principal().getName() + "\" issued by \"" + c.getIssuerX500Principal().getName()
                + "\", valid until " + c.getNotAfter().toInstant() + ", " + key(c) + ", " + c.getSigAlgName()
                + ", " + subjectAltNames(c) + ", " + TrustSource.spkiPin(c);
    }

    static Json.Obj report(DeliveryReport r) {
        Json.Obj rejected = Json.obj();
        for (Map.Entry<?, String> e : r.rejected().entrySet()) {
            rejected.put(e.getKey().toString(), e.getValue());
        }
        List<Object> accepted = new ArrayList<>();
        r.accepted().forEach(a -> accepted.add(a.toString()));
        return Json.obj()
                .put("host", r.endpoint().host()).put("port", r.endpoint().port())
                .put("mode", r.endpoint().mode().name())
                .put("encrypted", r.isEncrypted())
                .put("accepted", accepted).put("rejected", rejected)
                .put("finalReply", r.finalReply()).put("queueId", r.queueId().orElse(null))
                .put("messageId", r.messageId().orElse(null))
                .put("connectMillis", r.connectDuration().toMillis())
                .put("transactionMillis", r.transactionDuration().toMillis());
    }

    /** The exit code of one domain's delivery: 0 delivered, 5 permanent, 3 refused for security, 4 transient, 1 ambiguous. */
    static int exitCode(DomainDelivery d) {
        switch (d.status()) {
            case DELIVERED:
                return Outcomes.OK;
            case FAILED_PERMANENTLY:
                return Outcomes.PERMANENT;
            case AMBIGUOUS:
                return Outcomes.OTHER;
            default:
                return d.failure().filter(f -> f instanceof MailSecurityException).isPresent() ? Outcomes.SECURITY
                        : Outcomes.TRANSIENT;
        }
    }

    static Json.Obj delivery(DomainDelivery d) {
        List<Object> recipients = new ArrayList<>();
        d.recipients().forEach(r -> recipients.add(r.getAddress()));
        return Json.obj().put("domain", d.domain()).put("status", d.status().name()).put("exitCode", exitCode(d))
                .put("recipients", recipients)
                .put("mxHost", d.mxHost().orElse(null))
                .put("address", d.address().map(InetAddress::getHostAddress).orElse(null))
                .put("security", d.security().map(MxSecurity::name).orElse(null))
                .put("report", d.report().map(Describe::report).orElse(null))
                .put("handshake", d.report().flatMap(r -> r.endpoint().handshake()).map(Describe::handshake)
                        .orElse(null))
                .put("attempts", new ArrayList<Object>(d.attempts()))
                .put("error", d.failure().map(Outcomes::error).orElse(null));
    }

    static Json.Obj probe(DomainProbe p) {
        List<Object> hosts = new ArrayList<>();
        for (MxProbe h : p.hosts()) {
            List<Object> addresses = new ArrayList<>();
            h.addresses().forEach(a -> addresses.add(a.getHostAddress()));
            List<Object> tlsa = new ArrayList<>();
            h.tlsaRecords().forEach(r -> tlsa.add(r.toString()));
            List<Object> connections = new ArrayList<>();
            for (MxProbe.Connection c : h.connections()) {
                connections.add(Json.obj().put("address", c.address().getHostAddress())
                        .put("outcome", c.outcome().name())
                        .put("ehlo", new ArrayList<Object>(c.ehloKeywords()))
                        .put("requireTls", c.offersRequireTls())
                        .put("certificateSubject", c.certificateSubject().orElse(null))
                        .put("handshake", c.handshake().map(Describe::handshake).orElse(null))
                        .put("error", c.failure().map(Outcomes::error).orElse(null)));
            }
            hosts.add(Json.obj().put("name", h.name()).put("preference", h.preference()).put("addresses", addresses)
                    .put("dnssec", h.addressStatus().name())
                    .put("security", h.security().map(MxSecurity::name).orElse(null))
                    .put("mode", h.mode().map(Enum::name).orElse(null))
                    .put("tlsaName", h.tlsaName().orElse(null)).put("tlsaRecords", tlsa)
                    .put("skipped", h.skipReason().orElse(null))
                    .put("notes", new ArrayList<Object>(h.notes()))
                    .put("connections", connections));
        }
        Json.Obj sts = Json.obj().put("source", p.stsSource().name())
                .put("mode", p.stsPolicy().map(x -> x.mode().wireName()).orElse(null))
                .put("mx", p.stsPolicy().map(x -> new ArrayList<Object>(x.mxPatterns())).orElse(null))
                .put("maxAgeSeconds", p.stsPolicy().map(x -> x.maxAge().getSeconds()).orElse(null))
                .put("failures", new ArrayList<Object>(p.stsFailures()));
        return Json.obj().put("domain", p.domain())
                .put("mx", Json.obj().put("dnssec", p.mxStatus().map(Enum::name).orElse(null))
                        .put("implicit", p.implicitMx()).put("failure", p.mxFailure().orElse(null))
                        .put("permanent", p.mxFailurePermanent())
                        .put("skipped", new ArrayList<Object>(p.skippedMx())))
                .put("mtaSts", sts).put("hosts", hosts)
                .put("deliverableHost", p.deliverableHost().map(MxProbe::name).orElse(null));
    }
}
