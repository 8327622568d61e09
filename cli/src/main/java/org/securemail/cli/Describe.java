package org.securemail.cli;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.securemail.core.Handshake;
import org.securemail.policy.TrustSource;
import org.securemail.transport.DeliveryReport;

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
}
