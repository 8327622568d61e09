package org.securemail.core.internal;

import java.security.Provider;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.BCSNIHostName;
import org.bouncycastle.jsse.BCSNIServerName;
import org.bouncycastle.jsse.BCSSLParameters;
import org.bouncycastle.jsse.BCSSLSocket;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;

/**
 * Everything that names a Bouncy Castle class, so that the JDK path never loads Bouncy Castle and works without it
 * on the class path. The providers are created as instances and never registered with {@code java.security.Security}.
 */
final class BouncyCastleSupport {
    /** BC's own floor for ephemeral DH primes, a JVM-wide system property that BC reads once. */
    private static final String DH_MINIMUM_PROPERTY = "org.bouncycastle.jsse.client.dh.minimumPrimeBits";

    private BouncyCastleSupport() {
    }

    static Provider newJsseProvider() {
        return new BouncyCastleJsseProvider(new BouncyCastleProvider());
    }

    /**
     * Applies protocols, suites, groups, signature schemes and SNI through BC's own parameters, which (unlike the
     * JDK's {@code SSLParameters} on Java 17) carry named groups and signature schemes per socket.
     */
    static void configure(SSLSocket socket, String[] protocols, String[] suites, String[] groups, String[] schemes,
                          String sniHostName) {
        BCSSLSocket bc = (BCSSLSocket) socket;
        BCSSLParameters p = bc.getParameters();
        p.setProtocols(protocols);
        p.setCipherSuites(suites);
        p.setNamedGroups(groups);
        p.setSignatureSchemes(schemes);
        p.setEndpointIdentificationAlgorithm(null);
        List<BCSNIServerName> names = sniHostName == null ? List.of() : List.of(new BCSNIHostName(sniHostName));
        p.setServerNames(names);
        bc.setParameters(p);
    }

    /**
     * Returns the minimum DH prime size BC enforces on a server's ephemeral TLS 1.2 group. BC offers no per-socket
     * setting for it, and it is the only check of that size on the BC path, so a JVM configured below the policy
     * minimum must be refused rather than trusted.
     */
    static int dhMinimumPrimeBits() {
        String value = System.getProperty(DH_MINIMUM_PROPERTY);
        if (value == null) {
            return 2048;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 2048;
        }
    }

    static String dhMinimumProperty() {
        return DH_MINIMUM_PROPERTY;
    }
}
